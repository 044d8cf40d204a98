"""Search for fragments the older indexes cannot serve (migration 0019): codes anywhere, initials inside names.

- A credit code or 注册号 fragment of CODE_FRAGMENT_FROM+ characters finds the business wherever it sits in
  the code: officers remember the end of a code (`0001` of 91330302MA2XYZ0001), not its region prefix.
  SQLite: an FTS5 trigram table over uscc and reg_no (`business_codes`); PostgreSQL: pg_trgm GIN over
  the two codes (since migration 0020: b-tree prefix ranges and a GIN over each code without its first
  character, storage.search_codes_pg). Shorter code terms stay prefixes (3 characters inside a code match
  a tenth of an office).
- Two letters find the names whose initials hold them anywhere (`cs` finds 王五超市, initials `wwcs`), as
  well as every pinyin word starting with them. The name's initials are the first word of name_pinyin
  (storage.search.name_pinyin_of puts them first), of which the first INITIALS_SPAN letters are searched:
  the index holds each adjacent pair of them as a token (SQLite: FTS5 over a view, `business_initials`;
  PostgreSQL: GIN over the array of pairs), and storage.search.term_condition means the same span.

The SQL expressions below are what the migration indexes and the backends query, character for character
(PostgreSQL uses an expression index only for the very expression it was built on).
"""

from __future__ import annotations

CODE_FRAGMENT_FROM = 4
INITIALS_SPAN = 32  # a name of more than 32 characters is matched on its first 32 initials


def sqlite_initials(column: str) -> str:
    """The first word of name_pinyin (the name's initials) in SQLite, cut to INITIALS_SPAN letters."""
    return f"substr({column}, 1, min(instr({column} || ' ', ' ') - 1, {INITIALS_SPAN}))"


def pg_initials(column: str) -> str:
    return f"substr(split_part({column}, ' ', 1), 1, {INITIALS_SPAN})"


def sqlite_initial_pairs(column: str) -> str:
    """Every adjacent pair of the initials, space separated (tokens of FTS5's ascii tokenizer); a pair
    past the word's end comes out as one letter or nothing, which no two-letter term matches."""
    word = sqlite_initials(column)
    return " || ' ' || ".join(f"substr({word}, {start}, 2)" for start in range(1, INITIALS_SPAN))


_PAIR_SLICES = tuple(slice(start - 1, start + 1) for start in range(1, INITIALS_SPAN))


def initial_pairs(name_pinyin: str | None) -> str | None:
    """sqlite_initial_pairs(name_pinyin) computed in Python, character for character the same string: a
    rebuild of business_initials (storage.search_sqlite) reads it instead of evaluating the view's 31
    expressions per row, which cost more than all of an import's other search columns."""
    if name_pinyin is None:
        return None
    text = str(name_pinyin)
    space = text.find(" ")
    word = text[: min(len(text) if space < 0 else space, INITIALS_SPAN)]
    return " ".join(map(word.__getitem__, _PAIR_SLICES))


def pg_initial_pairs(column: str) -> str:
    word = pg_initials(column)
    return "ARRAY[" + ", ".join(f"substr({word}, {start}, 2)" for start in range(1, INITIALS_SPAN)) + "]"


PG_CODES = "(coalesce({table}uscc, '') || ' ' || coalesce({table}reg_no, ''))"
PG_CODES_INDEXED = PG_CODES.format(table="")
PG_CODES_QUERY = PG_CODES.format(table="business.")
PG_PAIRS_INDEXED = pg_initial_pairs("name_pinyin")
PG_PAIRS_QUERY = pg_initial_pairs("business.name_pinyin")

PG_INDEXES = {
    "ix_business_search_codes": (
        f"CREATE INDEX ix_business_search_codes ON business USING gin ({PG_CODES_INDEXED} gin_trgm_ops)"
    ),
    "ix_business_search_initials": (
        f"CREATE INDEX ix_business_search_initials ON business USING gin (({PG_PAIRS_INDEXED}))"
    ),
}

SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE business_codes USING fts5(uscc, reg_no, content='business', content_rowid='id', "
    "tokenize='trigram', detail='full', columnsize=0)",
    # External content may be a view: the rebuild reads the pairs from it; the triggers write the same.
    f"CREATE VIEW business_initials_source AS SELECT id, {sqlite_initial_pairs('name_pinyin')} AS pairs "
    "FROM business",
    "CREATE VIRTUAL TABLE business_initials USING fts5(pairs, content='business_initials_source', "
    "content_rowid='id', tokenize='ascii', detail='none', columnsize=0)",
]
FRAGMENT_TABLES = ("business_codes", "business_initials")
_NEW_PAIRS, _OLD_PAIRS = sqlite_initial_pairs("new.name_pinyin"), sqlite_initial_pairs("old.name_pinyin")
SQLITE_TRIGGERS = {
    "business_fragments_insert": f"""CREATE TRIGGER business_fragments_insert AFTER INSERT ON business BEGIN
  INSERT INTO business_codes(rowid, uscc, reg_no) VALUES (new.id, new.uscc, new.reg_no);
  INSERT INTO business_initials(rowid, pairs) VALUES (new.id, {_NEW_PAIRS});
END""",
    "business_fragments_delete": f"""CREATE TRIGGER business_fragments_delete AFTER DELETE ON business BEGIN
  INSERT INTO business_codes(business_codes, rowid, uscc, reg_no) VALUES ('delete', old.id, old.uscc, old.reg_no);
  INSERT INTO business_initials(business_initials, rowid, pairs) VALUES ('delete', old.id, {_OLD_PAIRS});
END""",
    "business_codes_update": """CREATE TRIGGER business_codes_update AFTER UPDATE OF id, uscc, reg_no ON business BEGIN
  INSERT INTO business_codes(business_codes, rowid, uscc, reg_no) VALUES ('delete', old.id, old.uscc, old.reg_no);
  INSERT INTO business_codes(rowid, uscc, reg_no) VALUES (new.id, new.uscc, new.reg_no);
END""",
    "business_initials_update": f"""CREATE TRIGGER business_initials_update AFTER UPDATE OF id, name_pinyin ON business
BEGIN
  INSERT INTO business_initials(business_initials, rowid, pairs) VALUES ('delete', old.id, {_OLD_PAIRS});
  INSERT INTO business_initials(rowid, pairs) VALUES (new.id, {_NEW_PAIRS});
END""",
}
SQLITE_REBUILD = [f"INSERT INTO {name}({name}) VALUES ('rebuild')" for name in FRAGMENT_TABLES]
