#!/usr/bin/env python3
"""Every message a person reads goes through gettext (batch/common/i18n.h, docs/decisions.md D108).

Flags a string literal passed straight as the format of kg_fail, kg_hint, log_line,
draw_status_fail or fprintf(stderr, ...): it must be written _("...") so that po/ja.po
translates it. A format without words ("%s", "%s:%ld: %s") needs nothing. A call that must
stay as it is (a line scripts parse) carries the marker comment `i18n: untranslated` on
its first line or the line above. draw_status_fail translates its own format (it is called
for every page): give it N_("..."), which passes. Usage: lint_messages.py FILE... (exit 1 with the places).
"""
import re
import sys

FORMAT_ARG = {'kg_fail': 2, 'kg_hint': 1, 'log_line': 2, 'draw_status_fail': 2, 'fprintf': 1}
MARKER = 'i18n: untranslated'
LITERALS = re.compile(r'^\s*("(?:[^"\\]|\\.)*"\s*)+$', re.S)


def skip_string(src, pos, quote):
    pos += 1
    while src[pos] != quote:
        pos += 2 if src[pos] == '\\' else 1
    return pos + 1


def arguments(src, start):
    """The (begin, end) of each argument of the call whose '(' ends at start."""
    depth, begin, pos, found = 0, start, start, []
    while pos < len(src):
        char = src[pos]
        if char in '"\'':
            pos = skip_string(src, pos, char)
            continue
        if char in '([{':
            depth += 1
        elif char in ')]}':
            if depth == 0:
                found.append((begin, pos))
                return found
            depth -= 1
        elif char == ',' and depth == 0:
            found.append((begin, pos))
            begin = pos + 1
        pos += 1
    return found


def without_comments(src):
    """src with comments blanked (line numbers kept), and the comments' text per line."""
    notes = {}

    def blank(match):
        line = src.count('\n', 0, match.start()) + 1
        for offset, text in enumerate(match.group(0).split('\n')):
            notes[line + offset] = notes.get(line + offset, '') + text
        return re.sub(r'[^\n]', ' ', match.group(0))
    code = re.sub(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"', lambda m: m.group(0)
                  if m.group(0).startswith('"') else blank(m), src, flags=re.S)
    return code, notes


def check(path):
    src = open(path, encoding='utf-8').read()
    code, notes = without_comments(src)
    problems = []
    for call in re.finditer(r'\b(kg_fail|kg_hint|log_line|draw_status_fail|fprintf)\s*\(', code):
        name = call.group(1)
        line_start = code.rfind('\n', 0, call.start()) + 1
        if re.search(r'\b(kg_err|void|static|int)\s*$', code[line_start:call.start()]):
            continue  # a declaration or definition
        args = arguments(code, call.end())
        index = FORMAT_ARG[name]
        if len(args) <= index:
            continue
        if name == 'fprintf' and code[args[0][0]:args[0][1]].strip() != 'stderr':
            continue
        text = code[args[index][0]:args[index][1]]
        if not LITERALS.match(text):
            continue
        words = re.sub(r'%[-+ #0-9.*hlzjt]*[a-zA-Z%]|\\.', '', ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', text)))
        if not re.search(r'[A-Za-z]{2,}', words):
            continue
        line = code.count('\n', 0, call.start()) + 1
        if MARKER in notes.get(line, '') or MARKER in notes.get(line - 1, ''):
            continue
        problems.append(f'{path}:{line}: {name}: {text.strip()[:70]}')
    return problems


def main():
    problems = [problem for path in sys.argv[1:] for problem in check(path)]
    for problem in problems:
        print(problem)
    if problems:
        print('lint: a message above is not translatable: write it _("...") and run make po, '
              'or mark a line scripts parse with the comment "i18n: untranslated"')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
