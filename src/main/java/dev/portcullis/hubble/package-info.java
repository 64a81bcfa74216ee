/**
 * Hubble's JSON flows read into the engine's {@code Flow} in one streaming pass (docs/adr/019): the one flow reader
 * of the evaluate API, uploads and file ingest.
 */
@NullMarked
package dev.portcullis.hubble;

import org.jspecify.annotations.NullMarked;
