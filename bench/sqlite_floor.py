"""The floor of `wealthtui eod --format json`: a bare python + sqlite3 process that runs the same
statements (recorded from the report service by bench/cli_paths.py) and prints every row as JSON.

    python bench/sqlite_floor.py STATEMENTS.json DB
"""

import json
import sqlite3
import sys

statements = json.loads(open(sys.argv[1], encoding="utf-8").read())
con = sqlite3.connect(sys.argv[2])
rows = [con.execute(sql, params).fetchall() for sql, params in statements]
con.close()
sys.stdout.write(json.dumps(rows, ensure_ascii=False, default=str))
