/** Cross-cutting web glue: the htmx request helper, the page layout's model, the dashboard and error pages. */
@NullMarked
package dev.portcullis.web;

import org.jspecify.annotations.NullMarked;
