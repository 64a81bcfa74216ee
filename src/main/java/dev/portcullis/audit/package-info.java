/** The append-only audit log: every change, import, export, sign-in, failed sign-in and permission denial. */
@NullMarked
package dev.portcullis.audit;

import org.jspecify.annotations.NullMarked;
