/** Users, roles, sign-in, API tokens, and the actor behind each request. */
@NullMarked
package dev.portcullis.identity;

import org.jspecify.annotations.NullMarked;
