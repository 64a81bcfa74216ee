/**
 * Matchers the parser and the flow reader validate with and the evaluator decides with: identity labels and label
 * selectors, IP addresses and CIDRs, entities, DNS names and patterns, TLS server names, HTTP and Kafka L7 rules,
 * ICMP types. Each compiles once and then matches without allocation where it can. They know no flow type: they
 * read requests through their own small interfaces ({@code HttpMatcher.Header}, {@code KafkaMatcher.Request}).
 */
@NullMarked
package dev.portcullis.engine.match;

import org.jspecify.annotations.NullMarked;
