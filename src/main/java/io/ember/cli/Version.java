package io.ember.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the project version, from {@code io/ember/version.properties} (filtered from the pom by Maven). */
final class Version implements IVersionProvider {
  static final String RESOURCE = "/io/ember/version.properties";

  /** The pom's version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} if the build left the resource out. */
  static String project() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"Ember " + project() + " (Java " + Runtime.version() + ", " + System.getProperty("java.vendor") + ")"};
  }
}
