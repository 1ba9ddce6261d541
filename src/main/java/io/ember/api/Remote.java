package io.ember.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks what Ember may run. On a public static method: that method is a remote function named
 * {@code <class name>.<method name>}. On a class: every public static method of it is. A node
 * runs only functions of classes it registered (conf key {@code functions}); nothing else, ever,
 * whatever a message names.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Remote {}
