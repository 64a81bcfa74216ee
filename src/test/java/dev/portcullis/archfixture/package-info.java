/**
 * Deliberate violations of every rule of {@code ArchitectureTests}, laid out like the application's packages so
 * that each rule, pointed at this root instead of {@code dev.portcullis}, must fail: proof that the rules can fail.
 * Nothing here is used by the application or by other tests.
 */
package dev.portcullis.archfixture;
