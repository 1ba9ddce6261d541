package io.ember.cli;

import io.ember.conf.EmberConf;
import io.ember.logs.Logs;
import picocli.CommandLine.Option;

/** {@code -conf FILE|JSON}, shared by the node and the commands that read a conf. */
final class ConfOption {
  @Option(names = {"-conf", "--conf"}, paramLabel = "FILE|JSON",
      description = "the node's conf: a JSON file (conf/*.json) or inline JSON; none: the defaults")
  String value;

  /**
   * The conf, validated (a {@link io.ember.conf.ConfException} names the file, the key and the
   * type); from here on Ember's events are logged from its {@code logging.level} up.
   */
  EmberConf load() {
    EmberConf c = Main.confFrom(value);
    Logs.level(c.logLevel());
    return c;
  }
}
