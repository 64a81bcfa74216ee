/**
 * The database Portcullis runs on: the embedded PostgreSQL used when no database URL is configured,
 * and the status of whichever database is in use.
 */
@NullMarked
package dev.portcullis.database;

import org.jspecify.annotations.NullMarked;
