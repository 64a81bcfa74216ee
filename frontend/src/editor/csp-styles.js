// CodeMirror styles itself through style-mod, which for a page's document writes a <style> element: the
// Content-Security-Policy (style-src 'self', docs/adr/012) blocks that. Constructed style sheets
// (document.adoptedStyleSheets) are CSSOM, which style-src does not govern, and style-mod already uses them for
// shadow roots. This adapter presents the document to style-mod as a root without <head> whose adoptedStyleSheets
// are the document's, so every editor style lands in one constructed sheet and no policy is loosened
// (docs/adr/022). Import before creating any EditorView.
import { StyleModule } from 'style-mod';

const mount = StyleModule.mount;

function adopting(doc) {
  return {
    ownerDocument: doc,
    get adoptedStyleSheets() {
      return doc.adoptedStyleSheets;
    },
    set adoptedStyleSheets(sheets) {
      doc.adoptedStyleSheets = sheets;
    },
  };
}

let root = null;

if (typeof document !== 'undefined' && 'adoptedStyleSheets' in document && typeof CSSStyleSheet === 'function') {
  StyleModule.mount = (target, modules, options) => {
    if (target === document) {
      root = root ?? adopting(document);
      return mount.call(StyleModule, root, modules, options);
    }
    return mount.call(StyleModule, target, modules, options);
  };
}
