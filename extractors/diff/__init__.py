"""Revisions of a policy as pure functions: renditions of one document told from versions,
versions of one policy recognised, provisions aligned, text diffed by character and fact changes
named. Imports only `schemas` and other extractors.
"""
