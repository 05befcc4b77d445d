"""The `gazette` command line: parsing arguments, calling the flows' functions, printing results.

The top of the import graph: may import any flows package; nothing imports it but `flows.web`,
which reuses the reading modules `search` and `show`. Errors become messages only here.
"""
