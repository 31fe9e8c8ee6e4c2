#pragma once
// The library-level query API in one include: Model, Evidence, Query/Result, Engine registry.
#include <pgm/query/engine.hpp>
#include <pgm/query/expectation.hpp>
#include <pgm/query/evidence.hpp>
#include <pgm/query/explanation.hpp>
#include <pgm/query/model.hpp>
#include <pgm/query/query.hpp>
