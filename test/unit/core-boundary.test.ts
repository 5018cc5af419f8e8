import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// DESIGN.md: the core knows nothing of flags. It speaks of options and values; only src/cli names a flag, and
// nothing in the core depends on src/cli (the CLI is a layer on the library, never the reverse).
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const CLI = join(SRC, 'cli');
/** A flag as a message would name it: `--record`, `--no-retries`, not `a--b` or a decrement. */
const FLAG = /(?:^|[^\w-])--[a-z]/i;

function coreFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === CLI ? [] : coreFiles(path);
    return /\.(c|m)?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * The string literals and template parts of a file (comments and code are not messages), and what it imports. A
 * lone flag in an array is an argument to another program (`cloudflared tunnel --url …`), not a message.
 */
function scan(path: string): { strings: Array<{ line: number; text: string }>; imports: string[] } {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const strings: Array<{ line: number; text: string }> = [];
  const imports: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      imports.push(node.moduleSpecifier.text);
      return;
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      imports.push(node.arguments[0].text);
      return;
    }
    const argument = ts.isStringLiteral(node) && ts.isArrayLiteralExpression(node.parent) && /^--[\w-]+$/.test(node.text);
    if (!argument && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node))) {
      strings.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { strings, imports };
}

describe('the core/CLI boundary', () => {
  const files = coreFiles();

  it('finds the core files it checks', () => {
    expect(files.map((path) => relative(SRC, path))).toEqual(expect.arrayContaining(['index.ts', 'listener/listen.ts', 'journal/record.ts']));
  });

  it('no file in src/ outside src/cli/ names a flag in a string', () => {
    const found = files.flatMap((path) =>
      scan(path)
        .strings.filter(({ text }) => FLAG.test(text))
        .map(({ line, text }) => `${relative(SRC, path)}:${line}: ${JSON.stringify(text)}`),
    );
    expect(found).toEqual([]);
  });

  it('no file in src/ outside src/cli/ imports from src/cli/', () => {
    const found = files.flatMap((path) =>
      scan(path)
        .imports.filter((specifier) => specifier.startsWith('.') && resolve(dirname(path), specifier).startsWith(CLI))
        .map((specifier) => `${relative(SRC, path)} imports ${specifier}`),
    );
    expect(found).toEqual([]);
  });
});
