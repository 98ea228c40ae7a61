"""Content types as data (issue 14): types an Administrator defines at runtime.

models: content.models.typedefs. kinds: what each field kind takes and stores. registry:
loads the definitions into the type registry (content.types) in every process. behaviour:
how a runtime type's entries fold their fields into `Entry.data`. definitions: the only
writes of types.
"""
