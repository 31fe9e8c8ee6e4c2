"""Python dicts and lists -> pgm's YAML model text, for pgm.from_dict.

Block style with one entry per line, so the YAML reader's line numbers point at a readable line of
the text (which the error message names as "<dict>"). Strings are always double-quoted, so a state
called "no" or "1" stays a string; numbers are written exactly (repr round-trips).
"""

import json
import math
import numbers

__all__ = ["to_yaml"]


def _scalar(value, where):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        x = float(value)
        if math.isnan(x):
            return ".nan"
        if math.isinf(x):
            return ".inf" if x > 0 else "-.inf"
        return repr(x)
    if isinstance(value, str):
        # A JSON string is a valid YAML double-quoted scalar.
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"from_dict: {where} is a {type(value).__name__}; expected a dict, list, string or number")


def _plain(value):
    """numpy arrays and scalars as lists and Python numbers; tuples as lists."""
    tolist = getattr(value, "tolist", None)
    if tolist is not None and not isinstance(value, (str, bytes)):
        return tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


def _is_flat(items):
    return all(not isinstance(_plain(v), (dict, list)) for v in items)


def _emit(value, indent, where, out):
    pad = "  " * indent
    value = _plain(value)
    if isinstance(value, dict):
        if not value:
            out[-1] += " {}"
            return
        for key, item in value.items():
            key_text = _scalar(_plain(key), f"a key of {where}")
            item = _plain(item)
            here = f"{where}.{key}" if where else str(key)
            if isinstance(item, dict) or (isinstance(item, list) and item and not _is_flat(item)):
                out.append(f"{pad}{key_text}:")
                _emit(item, indent + 1, here, out)
            else:
                out.append(f"{pad}{key_text}: {_inline(item, here)}")
    elif isinstance(value, list):
        if not value:
            out[-1] += " []"
            return
        for i, item in enumerate(value):
            item = _plain(item)
            here = f"{where}[{i}]"
            if isinstance(item, dict) and item:
                out.append(f"{pad}-")
                _emit(item, indent + 1, here, out)
            elif isinstance(item, list) and item and not _is_flat(item):
                out.append(f"{pad}-")
                _emit(item, indent + 1, here, out)
            else:
                out.append(f"{pad}- {_inline(item, here)}")
    else:
        out.append(pad + _scalar(value, where))


def _inline(value, where):
    value = _plain(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(_plain(v), f"{where}[{i}]") for i, v in enumerate(value)) + "]"
    if isinstance(value, dict):
        return "{}"
    return _scalar(value, where)


def to_yaml(model):
    """The YAML text of a model given as nested dicts and lists (the structure of a .yaml file)."""
    if not isinstance(model, dict):
        raise TypeError(f"from_dict expects a dict (the structure of a YAML model file), not {type(model).__name__}")
    if not model:
        return "{}\n"
    out = []
    _emit(model, 0, "", out)
    return "\n".join(out) + "\n"
