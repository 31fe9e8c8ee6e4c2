# The library's layers and what each may use: the one place the order is written. lib/CMakeLists.txt
# builds one object library per layer linked to exactly these. The tests labelled `layers`
# (tests/layers) fail when a file in include/pgm/<layer>/ or lib/<layer>/ includes a header of a
# layer outside its closure (itself and everything below it here), when a layer target builds a
# file of another directory, and when a layer's objects linked with its closure alone leave a
# symbol undefined (a call into a layer above, with or without an #include showing it).
#
#   core < graph < model < inference < independence       (the numeric CI check runs VE)
#          graph < gaussian                               (beside model, inference, independence)
#          model, gaussian < io < query
#          independence < query
#          query < render                                 (issue 13: pictures, Graphviz)
#
# Beside means neither may include the other: gaussian sees no discrete model or engine, io reads
# models but runs no inference, and inference sees nothing of independence (the structural
# algorithms pruning needs, Bayes-ball and requisite sets, are in graph: <pgm/graph/reachability.hpp>).
# The umbrella headers <pgm/pgm.hpp> and <pgm/query.hpp> belong to the top layer, query.
# Listed lowest first: a layer only names layers before it.
set(PGM_LAYERS core graph model inference independence gaussian io query render)
set(PGM_LAYER_USES_core "")
set(PGM_LAYER_USES_graph core)
set(PGM_LAYER_USES_model graph)
set(PGM_LAYER_USES_inference model)
set(PGM_LAYER_USES_independence inference)
set(PGM_LAYER_USES_gaussian graph)
set(PGM_LAYER_USES_io model gaussian)
set(PGM_LAYER_USES_query io independence)
set(PGM_LAYER_USES_render query)

# PGM_LAYER_ALLOWED_<layer>: the layer and everything below it (the transitive closure).
foreach(_pgm_layer IN LISTS PGM_LAYERS)
  set(_pgm_allowed ${_pgm_layer})
  foreach(_pgm_use IN LISTS PGM_LAYER_USES_${_pgm_layer})
    if(NOT DEFINED PGM_LAYER_ALLOWED_${_pgm_use})
      message(FATAL_ERROR "lib/layers.cmake: layer ${_pgm_layer} uses ${_pgm_use}, which is not listed before it")
    endif()
    list(APPEND _pgm_allowed ${PGM_LAYER_ALLOWED_${_pgm_use}})
  endforeach()
  list(REMOVE_DUPLICATES _pgm_allowed)
  set(PGM_LAYER_ALLOWED_${_pgm_layer} ${_pgm_allowed})
endforeach()
unset(_pgm_allowed)
unset(_pgm_layer)
unset(_pgm_use)
