# Browser tests of the dashboard (tests/e2e/browser/*.mjs): node drives Debian's chromium through
# playwright-core against a real `wijkzicht serve` on a synthetic country. browser_setup builds the
# dashboard and the scored store once (a CTest fixture); each test starts its own server. Skipped
# (exit 77) when node, npm or chromium are missing. Screenshots: ${CMAKE_BINARY_DIR}/artefacts/browser.
find_program(WZ_NODE node)
set(WZ_BROWSER_WORK ${CMAKE_BINARY_DIR}/browser-work)
set(WZ_BROWSER_ARGS --wijkzicht $<TARGET_FILE:wijkzicht> --source ${CMAKE_SOURCE_DIR}
    --work ${WZ_BROWSER_WORK} --artefacts ${CMAKE_BINARY_DIR}/artefacts/browser)
set(WZ_BROWSER_DIR ${CMAKE_CURRENT_LIST_DIR})
if(WZ_NODE)
  set(WZ_NODE_CMD ${WZ_NODE})
else()
  # no node: every browser test runs a shell that exits 77 (skipped)
  set(WZ_NODE_CMD sh -c "echo 'SKIP: node is missing'; exit 77" --)
endif()
add_test(NAME browser_setup COMMAND ${WZ_NODE_CMD} ${WZ_BROWSER_DIR}/setup.mjs ${WZ_BROWSER_ARGS})
set_tests_properties(browser_setup PROPERTIES FIXTURES_SETUP wz_browser LABELS browser
  SKIP_RETURN_CODE 77 TIMEOUT 900)
foreach(t map_colours profile search restricted overlays)
  add_test(NAME browser_${t} COMMAND ${WZ_NODE_CMD} ${WZ_BROWSER_DIR}/${t}.mjs ${WZ_BROWSER_ARGS})
  set_tests_properties(browser_${t} PROPERTIES FIXTURES_REQUIRED wz_browser LABELS browser
    SKIP_RETURN_CODE 77 TIMEOUT 300 RESOURCE_LOCK wz_browser_chromium)
endforeach()
