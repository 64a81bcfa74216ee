/**
 * The policy language as records named after the CRD fields (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy,
 * and NetworkPolicy translated into the same rules, as Cilium translates it). Values are kept as written
 * (selector keys with or without a source prefix, ports as strings); meaning is given by the parser's
 * validation and the evaluator's compilation. A {@code null} list means the field was absent; an empty list
 * means it was present and empty, which Cilium treats differently for peers.
 */
@NullMarked
package dev.portcullis.engine.api;

import org.jspecify.annotations.NullMarked;
