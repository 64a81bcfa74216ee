/**
 * The replay page ({@code /workspaces/{ws}/replay}) and the rule-hits fragment the policy editor loads.
 */
@NullMarked
package dev.portcullis.replay.web;

import org.jspecify.annotations.NullMarked;
