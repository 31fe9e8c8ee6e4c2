# pgm_embed_page(TARGET): compiles the files of tools/pgm/serve/page into TARGET, as the generated
# pgm_page_assets.cpp (embed.cmake, rerun when a page file changes). Used by pgm (tools/) and by the
# request fuzzer (fuzz/).
set(PGM_SERVE_DIR ${CMAKE_CURRENT_LIST_DIR})
function(pgm_embed_page target)
  set(page ${PGM_SERVE_DIR}/page)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/pgm_page_assets.cpp)
  file(GLOB files CONFIGURE_DEPENDS ${page}/*)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDIR=${page} -DOUTPUT=${out} -P ${PGM_SERVE_DIR}/embed.cmake
    DEPENDS ${files} ${PGM_SERVE_DIR}/embed.cmake
    COMMENT "Embedding the pages of pgm serve"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
