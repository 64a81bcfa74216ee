/**
 * The database Portcullis runs on: the embedded PostgreSQL used when no database URL is configured,
 * the status of whichever database is in use, dynamic SQL (Query) and the loop that holds jobs as leased rows
 * (LeaseLoop).
 */
@NullMarked
package dev.portcullis.database;

import org.jspecify.annotations.NullMarked;
