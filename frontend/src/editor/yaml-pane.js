// The YAML pane (issue 10): to be replaced by the CodeMirror 6 editor.
export function mountYamlPane(textarea) {
  return textarea;
}
