package io.ember.serial;

import java.io.ObjectInputFilter;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which classes a Java-tagged value may contain, and how big and deep it may be: the one
 * {@link ObjectInputFilter} every decode of a value goes through ({@link Values#decode}).
 *
 * <p>Allowed: the JDK's value types and collections ({@link #JDK}), Ember's own serialisable
 * types, every class of the packages of the registered functions and actor classes, and what
 * the conf's {@code serial.allow} names (a class, or a package as {@code com.acme.model.*}).
 * Limits: nesting depth ({@code serial.maxDepth}, 20 by default: a nested-set "hash bomb" costs
 * four times more per two levels, about 0.4 s at 20 on this machine's kind and 24 s at 26), and
 * no array or reference count larger than the payload's byte count (each element takes at least
 * one byte on the wire, so a larger length in a header is a lie meant to make us allocate).
 * A refusal is recorded in a {@link Refusal} so the caller can name the class; it never builds
 * the object, and never calls anything on one.
 */
public final class DecodePolicy {
  /** The default nesting limit. */
  public static final int DEFAULT_MAX_DEPTH = 20;

  /** JDK classes a value may be made of (the immutable collections travel as java.util.CollSer). */
  static final Set<String> JDK = Set.of(
      "java.lang.String", "java.lang.Boolean", "java.lang.Byte", "java.lang.Character", "java.lang.Short",
      "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Number", "java.lang.Enum",
      "java.lang.Object", "java.util.Map$Entry", // as the element types of arrays (neither is Serializable itself)
      "java.math.BigInteger", "java.math.BigDecimal",
      "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.HashMap", "java.util.LinkedHashMap",
      "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet", "java.util.UUID",
      "java.util.Date", "java.util.BitSet", "java.util.EnumMap", "java.util.EnumSet$SerializationProxy", "java.util.CollSer",
      "java.util.Arrays$ArrayList", "java.util.Collections$EmptyList", "java.util.Collections$EmptySet",
      "java.util.Collections$EmptyMap", "java.util.Collections$SingletonList", "java.util.Collections$SingletonSet",
      "java.util.Collections$SingletonMap", "java.util.Collections$UnmodifiableCollection",
      "java.util.Collections$UnmodifiableList", "java.util.Collections$UnmodifiableRandomAccessList",
      "java.util.Collections$UnmodifiableSet", "java.util.Collections$UnmodifiableSortedSet",
      "java.util.Collections$UnmodifiableNavigableSet", "java.util.Collections$UnmodifiableMap",
      "java.util.Collections$UnmodifiableSortedMap", "java.util.Collections$UnmodifiableNavigableMap",
      "java.util.Collections$ReverseComparator", "java.lang.String$CaseInsensitiveComparator",
      // what java.util.CollSer resolves to (the filter also sees the class a readResolve returns)
      "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN", "java.util.ImmutableCollections$Set12",
      "java.util.ImmutableCollections$SetN", "java.util.ImmutableCollections$Map1", "java.util.ImmutableCollections$MapN");

  /** JDK packages of value types only: java.time's classes travel as java.time.Ser and resolve to themselves. */
  static final Set<String> JDK_PACKAGES = Set.of("java.time");

  /** Ember's own classes that travel inside values (an actor handle passed to a task). */
  static final Set<String> EMBER = Set.of("io.ember.client.ActorHandleImpl");

  private final Set<String> classes;
  private final Set<String> packages;
  private final int maxDepth;

  private DecodePolicy(Set<String> classes, Set<String> packages, int maxDepth) {
    this.classes = Set.copyOf(classes);
    this.packages = Set.copyOf(packages);
    this.maxDepth = maxDepth;
  }

  /** JDK values, Ember's types, nothing else. */
  public static DecodePolicy defaults() {
    return new DecodePolicy(Set.of(), Set.of(), DEFAULT_MAX_DEPTH);
  }

  /**
   * This policy and also {@code names}: a class name allows that class and every class of its
   * package (a registered function's or actor's class); {@code pkg.*} allows a package.
   */
  public DecodePolicy allowingPackagesOf(Collection<String> names) {
    Set<String> p = new HashSet<>(packages);
    for (String n : names) p.add(n.endsWith(".*") ? n.substring(0, n.length() - 2) : packageOf(n));
    return new DecodePolicy(classes, p, maxDepth);
  }

  /** This policy and also exactly the classes named. */
  public DecodePolicy allowingClasses(Collection<String> names) {
    Set<String> c = new HashSet<>(classes);
    c.addAll(names);
    return new DecodePolicy(c, packages, maxDepth);
  }

  /** As {@code serial.allow} says: {@code pkg.*} a package, anything else one class. */
  public DecodePolicy allowing(List<String> entries) {
    DecodePolicy out = this;
    for (String e : entries) {
      out = e.endsWith(".*") ? out.allowingPackagesOf(List.of(e)) : out.allowingClasses(List.of(e));
    }
    return out;
  }

  public DecodePolicy withMaxDepth(int depth) {
    if (depth < 1) throw new IllegalArgumentException("maxDepth must be at least 1, got " + depth);
    return new DecodePolicy(classes, packages, depth);
  }

  public int maxDepth() {
    return maxDepth;
  }

  /** Whether values may contain {@code c} (arrays by their element type). */
  public boolean allows(Class<?> c) {
    while (c.isArray()) c = c.getComponentType();
    return c.isPrimitive() || allowsName(c.getName());
  }

  /** Whether values may contain the class named (not an array). */
  public boolean allowsName(String n) {
    return JDK.contains(n) || JDK_PACKAGES.contains(packageOf(n)) || EMBER.contains(n) || classes.contains(n) || packages.contains(packageOf(n));
  }

  private static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  /** The filter of one decode of {@code payloadBytes} bytes; a refusal's reason goes to {@code refusal}. */
  ObjectInputFilter filter(long payloadBytes, Refusal refusal) {
    return info -> {
      if (info.depth() > maxDepth) {
        return refusal.refuse("it nests deeper than " + maxDepth + " levels (serial.maxDepth)");
      }
      if (info.references() > payloadBytes) {
        return refusal.refuse("its stream claims more objects than its " + payloadBytes + " bytes can hold");
      }
      if (info.arrayLength() > payloadBytes) {
        return refusal.refuse("it declares an array of " + info.arrayLength() + " elements in " + payloadBytes + " bytes");
      }
      Class<?> c = info.serialClass();
      if (c == null) return ObjectInputFilter.Status.UNDECIDED;
      if (!allows(c)) {
        return refusal.refuse("its class " + c.getName() + " is not allowed (not a JDK value type, an Ember type, or in the "
            + "package of a registered function or actor class; add it to serial.allow)");
      }
      return ObjectInputFilter.Status.ALLOWED;
    };
  }

  /** The first reason a filter refused a stream, for the caller's error. */
  static final class Refusal {
    private String reason;

    ObjectInputFilter.Status refuse(String why) {
      if (reason == null) reason = why;
      return ObjectInputFilter.Status.REJECTED;
    }

    String reason() {
      return reason;
    }
  }
}
