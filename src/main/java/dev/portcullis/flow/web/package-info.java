/**
 * The flow log's viewer pages: the flow table with {@code hubble observe} filters, paging and live tail, a flow's
 * detail panel (fields, labels as filters, raw JSON, why it was decided then and now) and the service map.
 */
@NullMarked
package dev.portcullis.flow.web;

import org.jspecify.annotations.NullMarked;
