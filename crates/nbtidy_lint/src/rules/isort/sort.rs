//! The import sorter: one block of imports in, the block as isort (ruff's defaults, or the
//! configured [`Settings`]) would write it out.
//!
//! 1. Comments are attached to the import or imported name they belong to: above it, on its
//!    line, or after the last name of a parenthesized `from` import.
//! 2. Imports are merged: duplicates dropped, `from m import a` and `from m import b` combined
//!    (a name imported `as` another stays on its own line unless `nbtidy_combine_as_imports`).
//! 3. Each import gets its section (see `categorize`); sections are written in order
//!    (future, standard library, third party, first party, local folder) with one blank line
//!    between them.
//! 4. Within a section, `import x` lines come first, then `from x import y` lines, each sorted
//!    by module, case-insensitively and in natural order (`h2` before `h10`); the names of a
//!    `from` import are sorted constants first, then classes, then the rest.
//! 5. A `from` import longer than the line length (or with a trailing comma, or comments on
//!    its names) is wrapped in parentheses, one name a line.
//! 6. After the block: one blank line before the next statement, two before a `def` or
//!    `class` (`nbtidy_lines_after_imports` sets another number); none at the end of a cell.

use std::borrow::Cow;
use std::cmp::{Ordering, Reverse};
use std::ops::Range;

use indexmap::IndexMap;
use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::{Stmt, StmtImport, StmtImportFrom};
use ruff_python_trivia::{
    PythonWhitespace, has_leading_content, has_trailing_content, leading_indentation,
    textwrap::indent,
};
use ruff_source_file::LineRanges;
use ruff_text_size::{Ranged, TextRange, TextSize};
use unicode_width::UnicodeWidthChar;

use super::block::{Block, Trailer, trailing_lines_end};
use super::categorize::{Categorizer, Section};
use super::settings::Settings;

/// Columns of a tab when measuring a line (ruff's default `indent-width`).
const TAB_SIZE: usize = 4;

/// The layout of a notebook's code the sorter follows.
#[derive(Debug, Clone)]
pub struct Style {
    /// One level of indentation (for wrapped `from` imports): the notebook's first indented
    /// line's, else four spaces.
    pub indent: String,
    /// The line ending to write.
    pub line_ending: &'static str,
}

/// What sorting one block found.
#[derive(Debug)]
pub struct Sorted {
    /// The imports of the block (where I001 reports).
    pub range: TextRange,
    /// The replacement, when the block can be rewritten: the byte range (whole lines, with the
    /// blank lines after the block when a statement follows) and the new text. `None` when
    /// another statement shares a line with the first or last import (`x = 1; import os`),
    /// which is reported but left alone, as ruff does.
    pub fix: Option<(Range<usize>, String)>,
}

/// Sorts one block of `text` (a cell's code, with its `tokens`); `None` when it is already
/// sorted and laid out as it should be.
pub fn sort_block(
    block: &Block<'_>,
    text: &str,
    tokens: &Tokens,
    settings: &Settings,
    categorizer: &Categorizer<'_>,
    style: &Style,
) -> Option<Sorted> {
    let first = block.imports.first()?;
    let last = block.imports.last()?;
    let range = TextRange::new(first.start(), last.end());
    if has_leading_content(first.start(), text)
        || preceded_by_continuation(first.start(), text)
        || has_trailing_content(last.end(), text)
    {
        return Some(Sorted { range, fix: None });
    }
    let line_start = text.line_start(range.start());
    let indentation = leading_indentation(&text[TextRange::new(line_start, range.start())]);
    let comments = comments_in(
        text,
        tokens,
        range.start().to_usize(),
        text.full_line_end(range.end()).to_usize(),
    );
    let trailing_end = match block.trailer {
        None => text.full_line_end(range.end()).to_usize(),
        Some(_) => trailing_lines_end(text, last.end()),
    };
    let expected = format_block(
        block,
        comments,
        text,
        tokens,
        settings,
        categorizer,
        style,
        indentation,
    );
    let fix_range = line_start.to_usize()..trailing_end;
    let actual = &text[fix_range.clone()];
    // A cell's last line has no line ending (Jupyter stores none); ruff, which ends every cell
    // with one while it lints, compares and rewrites as if it had one.
    let unterminated = trailing_end == text.len() && !text.ends_with(['\n', '\r']);
    let actual: Cow<str> = if unterminated {
        Cow::Owned(format!("{actual}{}", style.line_ending))
    } else {
        Cow::Borrowed(actual)
    };
    if matches_ignoring_indentation(&actual, &expected) {
        return None;
    }
    let mut replacement = indent(&expected, indentation).into_owned();
    if unterminated && replacement.ends_with(style.line_ending) {
        replacement.truncate(replacement.len() - style.line_ending.len());
    }
    Some(Sorted {
        range,
        fix: Some((fix_range, replacement)),
    })
}

/// `true` when the line before `offset`'s line ends with a backslash continuation.
fn preceded_by_continuation(offset: TextSize, text: &str) -> bool {
    let line_start = text.line_start(offset).to_usize();
    let before = text[..line_start].trim_end_matches(['\n', '\r']);
    line_start > 0 && before.ends_with('\\')
}

/// The same lines, ignoring the whitespace at their start.
fn matches_ignoring_indentation(a: &str, b: &str) -> bool {
    let lines = |s: &str| -> Vec<String> {
        split_lines(s)
            .map(|line| line.trim_whitespace_start().to_owned())
            .collect()
    };
    lines(a) == lines(b)
}

/// Lines with their endings (`\n`, `\r\n`, `\r`), as ruff's universal newlines: no empty line
/// after a final line ending.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.find(['\n', '\r']).map_or(rest.len(), |i| {
            if rest[i..].starts_with("\r\n") {
                i + 2
            } else {
                i + 1
            }
        });
        let (line, next) = rest.split_at(end);
        rest = next;
        Some(line)
    })
}

/// A comment: its text and range.
#[derive(Debug, Clone, Copy)]
struct Comment<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

/// The comments starting in `start..end`, found by binary search over the tokens.
fn comments_in<'a>(text: &'a str, tokens: &Tokens, start: usize, end: usize) -> Vec<Comment<'a>> {
    let from = tokens.partition_point(|token| token.start().to_usize() < start);
    tokens[from..]
        .iter()
        .take_while(|token| token.start().to_usize() < end)
        .filter(|token| token.kind() == TokenKind::Comment)
        .map(|token| Comment {
            text: &text[token.range()],
            start: token.start().to_usize(),
            end: token.end().to_usize(),
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Alias<'a> {
    name: &'a str,
    asname: Option<&'a str>,
    lazy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct From<'a> {
    module: Option<&'a str>,
    level: u32,
    lazy: bool,
}

impl From<'_> {
    fn module_name(&self) -> String {
        let mut name = ".".repeat(self.level as usize);
        name.push_str(self.module.unwrap_or_default());
        name
    }
}

#[derive(Debug, Default, Clone)]
struct Comments<'a> {
    atop: Vec<&'a str>,
    inline: Vec<&'a str>,
    trailing: Vec<&'a str>,
}

impl Comments<'_> {
    fn is_empty(&self) -> bool {
        self.atop.is_empty() && self.inline.is_empty() && self.trailing.is_empty()
    }
}

#[derive(Debug, Default)]
struct FromStatement<'a> {
    comments: Comments<'a>,
    aliases: IndexMap<Alias<'a>, Comments<'a>>,
    trailing_comma: bool,
}

/// The imports of a block, merged.
#[derive(Debug, Default)]
struct Merged<'a> {
    import: IndexMap<Alias<'a>, Comments<'a>>,
    import_from: IndexMap<From<'a>, FromStatement<'a>>,
    import_from_as: IndexMap<(From<'a>, Alias<'a>), FromStatement<'a>>,
    import_from_star: IndexMap<From<'a>, FromStatement<'a>>,
}

/// Takes the comments starting before `offset` off the front of `comments`.
fn take_before<'a>(
    comments: &mut std::iter::Peekable<std::vec::IntoIter<Comment<'a>>>,
    offset: usize,
) -> Vec<&'a str> {
    let mut out = Vec::new();
    while let Some(comment) = comments.next_if(|c| c.start < offset) {
        out.push(comment.text);
    }
    out
}

/// Takes the comments ending at or before `offset` off the front of `comments`.
fn take_ending_by<'a>(
    comments: &mut std::iter::Peekable<std::vec::IntoIter<Comment<'a>>>,
    offset: usize,
) -> Vec<&'a str> {
    let mut out = Vec::new();
    while let Some(comment) = comments.next_if(|c| c.end <= offset) {
        out.push(comment.text);
    }
    out
}

/// `true` when a parenthesized `from` import ends with a comma (`from m import (a, b,)`).
fn has_trailing_comma(stmt: &StmtImportFrom, tokens: &Tokens) -> bool {
    let from = tokens.partition_point(|token| token.start() < stmt.start());
    let mut depth = 0u32;
    let mut comma = false;
    for token in tokens[from..]
        .iter()
        .take_while(|token| token.end() <= stmt.end())
    {
        match token.kind() {
            TokenKind::Lpar => depth = depth.saturating_add(1),
            TokenKind::Rpar => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 1 {
            match token.kind() {
                TokenKind::NonLogicalNewline
                | TokenKind::Indent
                | TokenKind::Dedent
                | TokenKind::Comment => {}
                TokenKind::Comma => comma = true,
                _ => comma = false,
            }
        }
    }
    comma
}

fn merge<'a>(
    block: &Block<'a>,
    comments: Vec<Comment<'a>>,
    text: &'a str,
    tokens: &Tokens,
    settings: &Settings,
) -> Merged<'a> {
    let mut comments = comments.into_iter().peekable();
    let mut merged = Merged::default();
    for stmt in &block.imports {
        match stmt {
            Stmt::Import(StmtImport {
                names,
                is_lazy,
                range,
                ..
            }) => {
                let atop = take_before(&mut comments, range.start().to_usize());
                let inline = take_ending_by(&mut comments, text.line_end(range.end()).to_usize());
                let aliases: Vec<Alias> = names
                    .iter()
                    .map(|alias| Alias {
                        name: &text[alias.name.range()],
                        asname: alias.asname.as_ref().map(|asname| &text[asname.range()]),
                        lazy: *is_lazy,
                    })
                    .collect();
                // The statement's comments go with its first module (best effort, as isort).
                if let Some(first) = aliases.first() {
                    let set = merged.import.entry(*first).or_default();
                    set.atop.extend(atop);
                    set.inline.extend(inline);
                }
                for alias in aliases {
                    merged.import.entry(alias).or_default();
                }
            }
            Stmt::ImportFrom(
                import @ StmtImportFrom {
                    module,
                    names,
                    level,
                    is_lazy,
                    ..
                },
            ) => {
                let start = import.start().to_usize();
                let atop = take_before(&mut comments, start);
                // Comments on the `from` line belong to the statement unless it imports one
                // name on that line (`from m import a  # noqa` stays with `a`).
                let mut inline = Vec::new();
                if names.len() > 1
                    || names.first().is_some_and(|alias| {
                        text[start..alias.start().to_usize()].contains(['\n', '\r'])
                    })
                {
                    inline =
                        take_ending_by(&mut comments, text.line_end(import.start()).to_usize());
                }
                let mut aliases: Vec<(Alias, Comments)> = names
                    .iter()
                    .map(|alias| {
                        let atop = take_before(&mut comments, alias.start().to_usize());
                        let inline =
                            take_ending_by(&mut comments, text.line_end(alias.end()).to_usize());
                        (
                            Alias {
                                name: &text[alias.name.range()],
                                asname: alias.asname.as_ref().map(|asname| &text[asname.range()]),
                                lazy: false,
                            },
                            Comments {
                                atop,
                                inline,
                                trailing: Vec::new(),
                            },
                        )
                    })
                    .collect();
                // Comments after the last name, inside the parentheses.
                if let Some((_, last)) = aliases.last_mut() {
                    last.trailing = take_before(&mut comments, import.end().to_usize());
                }
                // Comments after the closing parenthesis.
                let trailing = take_before(&mut comments, text.line_end(import.end()).to_usize());
                let trailing_comma =
                    settings.split_on_trailing_comma && has_trailing_comma(import, tokens);
                let from = From {
                    module: module.as_ref().map(|module| &text[module.range()]),
                    level: *level,
                    lazy: *is_lazy,
                };
                merged.add_from(
                    from,
                    aliases,
                    atop,
                    inline,
                    trailing,
                    trailing_comma,
                    settings,
                );
            }
            _ => {}
        }
    }
    merged
}

impl<'a> Merged<'a> {
    #[expect(clippy::too_many_arguments, reason = "one statement's parts")]
    fn add_from(
        &mut self,
        from: From<'a>,
        aliases: Vec<(Alias<'a>, Comments<'a>)>,
        atop: Vec<&'a str>,
        inline: Vec<&'a str>,
        trailing: Vec<&'a str>,
        trailing_comma: bool,
        settings: &Settings,
    ) {
        let star = aliases.first().is_some_and(|(alias, _)| alias.name == "*");
        let isolate = settings.force_single_line && !star;
        if isolate {
            for (index, (alias, _)) in aliases.iter().enumerate() {
                let statement = self.import_from_as.entry((from, *alias)).or_default();
                if index == 0 {
                    statement.comments.atop.extend(atop.iter().copied());
                }
                statement.comments.inline.extend(inline.iter().copied());
                statement.comments.trailing.extend(trailing.iter().copied());
            }
        } else if let Some((alias, _)) = aliases.first() {
            let statement = self.statement_for(from, *alias, false, settings);
            statement.comments.atop.extend(atop);
            statement.comments.inline.extend(inline);
            statement.comments.trailing.extend(trailing);
        }
        for (alias, comments) in aliases {
            let statement = self.statement_for(from, alias, isolate, settings);
            let set = statement.aliases.entry(alias).or_default();
            set.atop.extend(comments.atop);
            set.inline.extend(comments.inline);
            set.trailing.extend(comments.trailing);
            if !isolate && trailing_comma {
                statement.trailing_comma = true;
            }
        }
    }

    fn statement_for(
        &mut self,
        from: From<'a>,
        alias: Alias<'a>,
        isolate: bool,
        settings: &Settings,
    ) -> &mut FromStatement<'a> {
        if alias.name == "*" {
            self.import_from_star.entry(from).or_default()
        } else if !isolate && (alias.asname.is_none() || settings.combine_as_imports) {
            self.import_from.entry(from).or_default()
        } else {
            self.import_from_as.entry((from, alias)).or_default()
        }
    }
}

/// A string compared in natural order (`h2` < `h10`), as isort and ruff compare names.
#[derive(Debug)]
struct Natural<'a>(Cow<'a, str>);

impl Ord for Natural<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        natord::compare(&self.0, &other.0)
    }
}

impl PartialOrd for Natural<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Natural<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Natural<'_> {}

fn lowercase(name: &str) -> Cow<'_, str> {
    if name.chars().all(char::is_lowercase) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(name.to_lowercase())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MemberType {
    Constant,
    Class,
    Variable,
}

/// `true` when the name has cased characters and all of them are upper case (`HTTP_2`).
fn is_cased_uppercase(name: &str) -> bool {
    let mut cased = false;
    for c in name.chars() {
        if c.is_lowercase() {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

fn member_type(name: &str) -> MemberType {
    if name.len() > 1 && is_cased_uppercase(name) {
        MemberType::Constant
    } else if name.chars().next().is_some_and(char::is_uppercase) {
        MemberType::Class
    } else {
        MemberType::Variable
    }
}

/// The sort key of an imported name.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct MemberKey<'a> {
    not_star: bool,
    member_type: Option<MemberType>,
    lowercase: Option<Natural<'a>>,
    name: Natural<'a>,
    asname: Option<Natural<'a>>,
}

impl<'a> MemberKey<'a> {
    fn new(name: &'a str, asname: Option<&'a str>, settings: &Settings) -> Self {
        MemberKey {
            not_star: name != "*",
            member_type: settings.order_by_type.then(|| member_type(name)),
            lowercase: (!settings.case_sensitive).then(|| Natural(lowercase(name))),
            name: Natural(Cow::Borrowed(name)),
            asname: asname.map(|asname| Natural(Cow::Borrowed(asname))),
        }
    }
}

/// The sort key of an imported module.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ModuleKey<'a> {
    /// Relative imports furthest first (`from .. import` before `from . import`).
    distance: Reverse<u32>,
    lowercase: Option<Natural<'a>>,
    name: Option<Natural<'a>>,
    first_alias: Option<MemberKey<'a>>,
    asname: Option<Natural<'a>>,
}

impl<'a> ModuleKey<'a> {
    fn new(
        name: Option<&'a str>,
        asname: Option<&'a str>,
        level: u32,
        first_alias: Option<(&'a str, Option<&'a str>)>,
        settings: &Settings,
    ) -> Self {
        ModuleKey {
            distance: Reverse(level),
            lowercase: name
                .and_then(|name| (!settings.case_sensitive).then(|| Natural(lowercase(name)))),
            name: name.map(|name| Natural(Cow::Borrowed(name))),
            first_alias: first_alias.map(|(name, asname)| MemberKey::new(name, asname, settings)),
            asname: asname.map(|asname| Natural(Cow::Borrowed(asname))),
        }
    }
}

/// A `from` import ready to write: module, its comments, trailing comma, sorted names.
type FromLine<'a> = (From<'a>, Comments<'a>, bool, Vec<(Alias<'a>, Comments<'a>)>);

enum Line<'a> {
    Import(Alias<'a>, Comments<'a>),
    From(FromLine<'a>),
}

fn straight_key<'a>(alias: &Alias<'a>, settings: &Settings) -> ModuleKey<'a> {
    ModuleKey::new(Some(alias.name), alias.asname, 0, None, settings)
}

fn from_key<'a>(line: &FromLine<'a>, settings: &Settings) -> ModuleKey<'a> {
    let (from, _, _, aliases) = line;
    ModuleKey::new(
        from.module,
        None,
        from.level,
        aliases.first().map(|(alias, _)| (alias.name, alias.asname)),
        settings,
    )
}

/// The lines of one section, in order.
fn order<'a>(merged: Merged<'a>, section: Section, settings: &Settings) -> Vec<Line<'a>> {
    let mut straight: Vec<(Alias<'a>, Comments<'a>)> = merged.import.into_iter().collect();
    let mut from: Vec<FromLine<'a>> = merged
        .import_from
        .into_iter()
        .chain(
            merged
                .import_from_as
                .into_iter()
                .map(|((from, _), s)| (from, s)),
        )
        .chain(merged.import_from_star)
        .map(|(from, statement)| {
            let mut aliases: Vec<(Alias<'a>, Comments<'a>)> =
                statement.aliases.into_iter().collect();
            aliases.sort_by_cached_key(|(alias, _)| {
                MemberKey::new(alias.name, alias.asname, settings)
            });
            (from, statement.comments, statement.trailing_comma, aliases)
        })
        .collect();
    if section != Section::Future && settings.force_sort_within_sections {
        let mut lines: Vec<Line<'a>> = straight
            .into_iter()
            .map(|(alias, comments)| Line::Import(alias, comments))
            .chain(from.into_iter().map(Line::From))
            .collect();
        lines.sort_by_cached_key(|line| match line {
            Line::Import(alias, _) => straight_key(alias, settings),
            Line::From(line) => from_key(line, settings),
        });
        return lines;
    }
    straight.sort_by_cached_key(|(alias, _)| straight_key(alias, settings));
    from.sort_by_cached_key(|line| from_key(line, settings));
    let straight = straight
        .into_iter()
        .map(|(alias, comments)| Line::Import(alias, comments));
    let from = from.into_iter().map(Line::From);
    if section == Section::Future {
        from.chain(straight).collect()
    } else {
        straight.chain(from).collect()
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the block and everything that shapes it"
)]
fn format_block(
    block: &Block<'_>,
    comments: Vec<Comment<'_>>,
    text: &str,
    tokens: &Tokens,
    settings: &Settings,
    categorizer: &Categorizer<'_>,
    style: &Style,
    indentation: &str,
) -> String {
    let merged = merge(block, comments, text, tokens, settings);
    // By section.
    let mut sections: std::collections::BTreeMap<Section, Merged> =
        std::collections::BTreeMap::new();
    let of_from =
        |from: &From<'_>| categorizer.section(from.module.unwrap_or_default(), from.level > 0);
    for (alias, comments) in merged.import {
        let section = categorizer.section(alias.name, false);
        let entry = sections.entry(section).or_default();
        entry.import.insert(alias, comments);
    }
    for (from, statement) in merged.import_from {
        let entry = sections.entry(of_from(&from)).or_default();
        entry.import_from.insert(from, statement);
    }
    for (key, statement) in merged.import_from_as {
        let entry = sections.entry(of_from(&key.0)).or_default();
        entry.import_from_as.insert(key, statement);
    }
    for (from, statement) in merged.import_from_star {
        let entry = sections.entry(of_from(&from)).or_default();
        entry.import_from_star.insert(from, statement);
    }
    let nl = style.line_ending;
    let indent_width = Width::default().add_str(indentation);
    let mut out = String::new();
    for (index, (section, merged)) in sections.into_iter().enumerate() {
        if index > 0 {
            out.push_str(nl);
        }
        let mut straight_seen = false;
        let mut between_done = false;
        for (position, line) in order(merged, section, settings).into_iter().enumerate() {
            let first = position == 0;
            match line {
                Line::Import(alias, comments) => {
                    format_import(&mut out, &alias, &comments, first, nl);
                    straight_seen = true;
                }
                Line::From((from, comments, trailing_comma, aliases)) => {
                    if settings.lines_between_types > 0
                        && !settings.force_sort_within_sections
                        && straight_seen
                        && !between_done
                    {
                        for _ in 0..settings.lines_between_types {
                            out.push_str(nl);
                        }
                        between_done = true;
                    }
                    format_from(
                        &mut out,
                        &from,
                        &comments,
                        &aliases,
                        settings.line_length,
                        indent_width,
                        style,
                        first,
                        trailing_comma,
                    );
                }
            }
        }
    }
    // Blank lines after the block: the configured number, else one before a statement and
    // two before a `def` or `class`.
    let configured = usize::try_from(settings.lines_after_imports).ok();
    let lines = match block.trailer {
        None => 0,
        Some(Trailer::Sibling) => configured.unwrap_or(1),
        Some(Trailer::FunctionDef | Trailer::ClassDef) => configured.unwrap_or(2),
    };
    for _ in 0..lines {
        out.push_str(nl);
    }
    out
}

/// A line's width so far: characters by their display width, tabs to the next tab stop.
#[derive(Debug, Clone, Copy, Default)]
struct Width {
    width: usize,
    column: usize,
}

impl Width {
    fn add_str(mut self, text: &str) -> Self {
        for c in text.chars() {
            if c == '\t' {
                let step = TAB_SIZE - self.column % TAB_SIZE;
                self.width += step;
                self.column += step;
            } else {
                self.width += c.width().unwrap_or(0);
                self.column += 1;
            }
        }
        self
    }

    fn add(mut self, columns: usize) -> Self {
        self.width += columns;
        self.column += columns;
        self
    }
}

/// The comments above a statement, each on its line, after a blank line unless the statement
/// is the first of its section.
fn write_atop(out: &mut String, comments: &Comments<'_>, first: bool, nl: &str) {
    if !first && !comments.atop.is_empty() {
        out.push_str(nl);
    }
    for comment in &comments.atop {
        out.push_str(comment);
        out.push_str(nl);
    }
}

fn format_import(
    out: &mut String,
    alias: &Alias<'_>,
    comments: &Comments<'_>,
    first: bool,
    nl: &str,
) {
    write_atop(out, comments, first, nl);
    if alias.lazy {
        out.push_str("lazy ");
    }
    out.push_str("import ");
    out.push_str(alias.name);
    if let Some(asname) = alias.asname {
        out.push_str(" as ");
        out.push_str(asname);
    }
    for comment in &comments.inline {
        out.push_str("  ");
        out.push_str(comment);
    }
    out.push_str(nl);
}

#[expect(clippy::too_many_arguments, reason = "mirrors the statement's parts")]
fn format_from(
    out: &mut String,
    from: &From<'_>,
    comments: &Comments<'_>,
    aliases: &[(Alias<'_>, Comments<'_>)],
    line_length: usize,
    indent_width: Width,
    style: &Style,
    first: bool,
    trailing_comma: bool,
) {
    let star = aliases.iter().any(|(alias, _)| alias.name == "*");
    if aliases.len() == 1 && star && aliases[0].0.asname.is_none() {
        format_single_line(
            out,
            from,
            comments,
            aliases,
            first,
            style.line_ending,
            indent_width,
        );
        return;
    }
    if !trailing_comma
        && (aliases.len() == 1 || aliases.iter().all(|(_, comments)| comments.is_empty()))
    {
        let mut single = String::new();
        let width = format_single_line(
            &mut single,
            from,
            comments,
            aliases,
            first,
            style.line_ending,
            indent_width,
        );
        if width.width <= line_length || star {
            out.push_str(&single);
            return;
        }
    }
    format_multi_line(out, from, comments, aliases, first, style);
}

fn format_single_line(
    out: &mut String,
    from: &From<'_>,
    comments: &Comments<'_>,
    aliases: &[(Alias<'_>, Comments<'_>)],
    first: bool,
    nl: &str,
    indent_width: Width,
) -> Width {
    let mut width = indent_width;
    write_atop(out, comments, first, nl);
    let module = from.module_name();
    if from.lazy {
        out.push_str("lazy ");
        width = width.add(5);
    }
    out.push_str("from ");
    out.push_str(&module);
    out.push_str(" import ");
    width = width.add(5).add_str(&module).add(8);
    for (index, (alias, _)) in aliases.iter().enumerate() {
        out.push_str(alias.name);
        width = width.add_str(alias.name);
        if let Some(asname) = alias.asname {
            out.push_str(" as ");
            out.push_str(asname);
            width = width.add(4).add_str(asname);
        }
        if index + 1 < aliases.len() {
            out.push_str(", ");
            width = width.add(2);
        }
    }
    let mut comment = |text: &str, width: &mut Width| {
        out.push_str("  ");
        out.push_str(text);
        *width = width.add(2).add_str(text);
    };
    for text in &comments.inline {
        comment(text, &mut width);
    }
    for (_, alias_comments) in aliases {
        for text in alias_comments
            .atop
            .iter()
            .chain(&alias_comments.inline)
            .chain(&alias_comments.trailing)
        {
            comment(text, &mut width);
        }
    }
    for text in &comments.trailing {
        comment(text, &mut width);
    }
    out.push_str(nl);
    width
}

fn format_multi_line(
    out: &mut String,
    from: &From<'_>,
    comments: &Comments<'_>,
    aliases: &[(Alias<'_>, Comments<'_>)],
    first: bool,
    style: &Style,
) {
    let nl = style.line_ending;
    let indent = style.indent.as_str();
    write_atop(out, comments, first, nl);
    if from.lazy {
        out.push_str("lazy ");
    }
    out.push_str("from ");
    out.push_str(&from.module_name());
    out.push_str(" import (");
    for comment in &comments.inline {
        out.push_str("  ");
        out.push_str(comment);
    }
    out.push_str(nl);
    for (alias, alias_comments) in aliases {
        for comment in &alias_comments.atop {
            out.push_str(indent);
            out.push_str(comment);
            out.push_str(nl);
        }
        out.push_str(indent);
        out.push_str(alias.name);
        if let Some(asname) = alias.asname {
            out.push_str(" as ");
            out.push_str(asname);
        }
        out.push(',');
        for comment in &alias_comments.inline {
            out.push_str("  ");
            out.push_str(comment);
        }
        out.push_str(nl);
        for comment in &alias_comments.trailing {
            out.push_str(indent);
            out.push_str(comment);
            out.push_str(nl);
        }
    }
    out.push(')');
    for comment in &comments.trailing {
        out.push_str("  ");
        out.push_str(comment);
    }
    out.push_str(nl);
}

/// The indentation unit of a notebook, as ruff's stylist finds it in the code it lints: the
/// first indented block's indentation (after a form feed), else the first continuation line's
/// leading whitespace, else four spaces.
pub fn detect_indent<'t>(cells: impl Iterator<Item = (&'t str, &'t Tokens)> + Clone) -> String {
    for (text, tokens) in cells.clone() {
        if let Some(token) = tokens
            .iter()
            .find(|token| token.kind() == TokenKind::Indent)
        {
            let whitespace = &text[token.range()];
            let whitespace = whitespace
                .rsplit_once('\x0C')
                .map_or(whitespace, |(_, after)| after);
            return whitespace.to_owned();
        }
    }
    for (text, tokens) in cells {
        for token in tokens
            .iter()
            .filter(|token| token.kind() == TokenKind::NonLogicalNewline)
        {
            let line = text.line_str(token.end());
            if let Some(index) = line.find(|c: char| !c.is_whitespace())
                && index > 0
            {
                return line[..index].to_owned();
            }
        }
    }
    "    ".to_owned()
}
