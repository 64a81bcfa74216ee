/**
 * Secrets at rest: {@link dev.portcullis.secrets.SecretBox} seals what the server must send on later (Relay client
 * keys, webhook secrets, publishing credentials) under one installation key kept outside the database.
 */
@NullMarked
package dev.portcullis.secrets;

import org.jspecify.annotations.NullMarked;
