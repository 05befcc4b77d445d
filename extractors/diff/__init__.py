"""Revisions of a policy as pure functions: versions of one policy recognised, provisions aligned,
text diffed by character and fact changes named. Imports only `schemas` and other extractors.
"""
