// Where the cursor is in a YAML document, by indentation (robust while the user is typing half a line, unlike a
// parse tree): the field path of the mapping that holds a line, and what the line holds. Used for completion and
// hover. Array positions are the step '[]'. Reads at most LOOKBACK lines up and never parses aliases.
const LOOKBACK = 2000;

const LINE = /^(\s*)((?:-\s+)*)(.*)$/;
const KEY = /^("[^"]*"|'[^']*'|[^\s:#'"][^:#]*?)\s*:(?:\s+(.*)|)$/;

/**
 * One line: indentation, the columns of its sequence dashes, where its content starts, the key it names (if it is
 * `key:` or `key: value`) and its value text ('' when none).
 */
export function readLine(text) {
  const m = LINE.exec(text);
  const indent = m[1].length;
  const dashes = [];
  let col = indent;
  const dashText = m[2];
  for (let i = 0; i < dashText.length; i++) {
    if (dashText[i] === '-') {
      dashes.push(col + i);
    }
  }
  col = indent + dashText.length;
  const rest = m[3];
  const km = KEY.exec(rest.replace(/\s+#.*$/, ''));
  let key = null;
  let value = '';
  if (km) {
    key = km[1].replace(/^["']|["']$/g, '');
    value = (km[2] ?? '').trim();
  }
  return { indent, dashes, col, key, value, rest, blank: rest.trim() === '' || rest.trimStart().startsWith('#') };
}

function separator(text) {
  return /^(---|\.\.\.)(\s|$)/.test(text);
}

/**
 * The path of the mapping holding content at column `col` of line `lineNo` (1-based) whose own dashes are
 * `dashes` (each adds an array step). `doc` is a CodeMirror Text.
 */
export function parentPath(doc, lineNo, col, dashes) {
  const steps = [];
  let target = col;
  let afterDash = false;
  for (let i = dashes.length - 1; i >= 0; i--) {
    steps.push('[]');
    target = dashes[i];
    afterDash = true;
  }
  const stop = Math.max(1, lineNo - LOOKBACK);
  for (let n = lineNo - 1; n >= stop && (target > 0 || afterDash); n--) {
    const text = doc.line(n).text;
    if (separator(text)) {
      break;
    }
    const line = readLine(text);
    if (line.blank && line.dashes.length === 0) {
      continue;
    }
    if (line.key !== null && line.value === '' && (line.col < target || (afterDash && line.col === target))) {
      steps.push(line.key);
      target = line.col;
      afterDash = false;
      for (let i = line.dashes.length - 1; i >= 0; i--) {
        steps.push('[]');
        target = line.dashes[i];
        afterDash = true;
      }
      continue;
    }
    const inside = line.dashes.filter((d) => d < target);
    if (inside.length > 0 && line.col >= target) {
      for (let i = inside.length - 1; i >= 0; i--) {
        steps.push('[]');
        target = inside[i];
        afterDash = true;
      }
      continue;
    }
    if (line.col < target && !line.blank && line.dashes.length === 0) {
      // a scalar or flow value at a smaller indentation: the structure above is not block YAML we can follow
      if (line.key === null) {
        break;
      }
    }
  }
  return steps.reverse();
}

/** The `kind:` of the document holding line `lineNo`, or null. */
export function kindAt(doc, lineNo) {
  const find = (from, to, step) => {
    for (let n = from; n !== to; n += step) {
      const text = doc.line(n).text;
      if (separator(text)) {
        return undefined;
      }
      const m = /^kind:\s*["']?([A-Za-z]+)/.exec(text);
      if (m) {
        return m[1];
      }
    }
    return undefined;
  };
  const up = find(lineNo, Math.max(0, lineNo - LOOKBACK), -1);
  if (up) {
    return up;
  }
  return find(lineNo + 1, Math.min(doc.lines, lineNo + LOOKBACK) + 1, 1) ?? null;
}
