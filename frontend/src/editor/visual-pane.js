// The visual pane (issue 10): to be replaced by the rule builder.
export function mountVisualPane(textarea) {
  return textarea;
}
