"""A model instance as `Model(**fields)` makes it, built the way Django builds rows it reads.

Django's keyword constructor asks every field for its default one by one (about sixty for a
work order); the positional constructor (what `Model.from_db` uses) only sets values. `new`
gives the positional constructor the fields given, each other field's default — worked out
once per model where it is a constant, asked every time where it is a callable (a fresh
dict, now()) — and then sets the related objects given through their descriptors, as the
keyword constructor does. An import of history makes two such instances per order.

Where the result could differ — a model with pre_init/post_init receivers (they would see
positional arguments), or a keyword that is not a concrete field (a property) — it simply
calls `Model(**fields)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)

# Per model: each concrete field's name, attname, whether it is a relation, and its default
# as (constant, None) or (None, producer).
_Plan = list[tuple[str, str, bool, Any, Callable[[], Any] | None]]
_plans: dict[type[models.Model], _Plan] = {}


def _plan(model: type[models.Model]) -> _Plan:
    plan = _plans.get(model)
    if plan is None:
        plan = []
        for field in model._meta.concrete_fields:
            relation = isinstance(field.remote_field, models.ForeignObjectRel)
            if getattr(field, "generated", False):
                # The keyword constructor leaves a generated column unset; so does DEFERRED.
                plan.append((field.name, field.attname, relation, models.DEFERRED, None))
            elif field.has_default() and callable(field.default):
                plan.append((field.name, field.attname, relation, None, field.get_default))
            else:
                # No default, or a constant one: Field.get_default returns the same value each time.
                plan.append((field.name, field.attname, relation, field.get_default(), None))
        _plans[model] = plan
    return plan


def new(model: type[M], **fields: Any) -> M:
    """`model(**fields)`, built faster; see the module's docstring."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(**fields)
    plan = _plan(model)
    values: list[Any] = []
    related: list[tuple[str, Any]] = []
    taken = 0
    for name, attname, relation, constant, producer in plan:
        if relation and name in fields:
            # Set below through its descriptor, which also caches the object (as Model(**) does).
            related.append((name, fields[name]))
            values.append(models.DEFERRED)
            taken += 1
        elif attname in fields:
            values.append(fields[attname])
            taken += 1
        else:
            values.append(constant if producer is None else producer())
    if taken != len(fields):
        return model(**fields)  # a keyword that is no concrete field, or one given twice
    instance = model(*values)
    for name, value in related:
        if value is not models.DEFERRED:
            setattr(instance, name, value)
    return instance
