"""pgm: exact inference in probabilistic graphical models."""
from ._pgm import *  # noqa: F401,F403
