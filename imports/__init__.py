"""Excel/CSV in and out. No Textual.

Reading a registration list: imports.parse.parse_register_file, built from sniff (what the file really
is), readers (rows with Excel row numbers), header (where the header is), columns and profiles (which
field each column holds), normalise and industry (clean values) and rows (one validated row at a time).
"""
