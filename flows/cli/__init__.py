"""The `gazette` command line: parsing arguments, calling the flows' functions, printing results.

The top of the import graph: may import any flows package; nothing imports it. Errors become
messages only here.
"""
