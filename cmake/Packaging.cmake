# Installation of what goes with the binary (manual pages, shell
# completions, README) and the Debian package made by CPack.
#
#   cmake -S . -B build-package -DCMAKE_BUILD_TYPE=Release \
#         -DCMAKE_INSTALL_PREFIX=/usr -DTTSTUI_TESTS=OFF
#   cmake --build build-package --target ttstui
#   (cd build-package && cpack)          # ttstui_<version>_<arch>.deb
#
# scripts/test-package.sh does exactly this and checks the result. The
# binary and the themes are installed by the top-level CMakeLists.txt; the
# demo cluster (tests/) is test infrastructure and never installed.

# ---- manual pages, gzip-compressed as Debian ships them -------------------
find_program(TTSTUI_GZIP gzip REQUIRED)
set(_ttstui_man_pages man/ttstui.1 man/ttstui-config.5)
set(_ttstui_man_gz)
foreach(_page ${_ttstui_man_pages})
  get_filename_component(_name ${_page} NAME)
  set(_gz ${CMAKE_BINARY_DIR}/man/${_name}.gz)
  # -n: no name or time stamp in the archive, so builds are reproducible.
  add_custom_command(OUTPUT ${_gz}
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
                     COMMAND ${TTSTUI_GZIP} -9n -c ${PROJECT_SOURCE_DIR}/${_page} > ${_gz}
                     DEPENDS ${PROJECT_SOURCE_DIR}/${_page}
                     COMMENT "Compressing ${_page}" VERBATIM)
  list(APPEND _ttstui_man_gz ${_gz})
endforeach()
add_custom_target(ttstui-man ALL DEPENDS ${_ttstui_man_gz})

install(FILES ${CMAKE_BINARY_DIR}/man/ttstui.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_BINARY_DIR}/man/ttstui-config.5.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

# ---- shell completions (where bash-completion and zsh look) ---------------
install(FILES completions/ttstui.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME ttstui)
install(FILES completions/_ttstui
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- the .deb ------------------------------------------------------------
set(TTSTUI_PACKAGE_MAINTAINER "ttstui developers <ttstui-dev@example.com>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ttstui)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "ttstui")
set(CPACK_PACKAGE_CONTACT "${TTSTUI_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "terminal dashboard and CLI for releasing the TTS service on Kubernetes")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "terminal dashboard and CLI for releasing the TTS service on Kubernetes
 ttstui lists the models of the text-to-speech service (Knative services
 stream and validate, one namespace per model) live from the cluster with
 their revisions, traffic and readiness. It renders releases with
 libjsonnet, previews, diffs and dry-runs them, applies them with
 server-side apply after checking the safety rules (version bump, API
 keys, environment to context), follows the rollout, rolls back, pins the
 latest release and deletes models, all audited. The commands render,
 diff, apply, delete, status, pin-latest, rollback and audit do the same
 from scripts and CI. It needs neither kubectl nor the jsonnet command.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${TTSTUI_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The library dependencies come from the binary itself (dpkg-shlibdeps,
# package dpkg-dev), so they are exactly what it links against.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Only to evaluate templates by hand the old way; ttstui embeds libjsonnet.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "jsonnet")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
# The binary looks for themes under the prefix it was configured with
# (TTSTUI_THEME_DATADIR), so the package installs under that same prefix:
# configure with -DCMAKE_INSTALL_PREFIX=/usr for a Debian package.
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "ttstui: CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}; "
                 "a Debian package wants -DCMAKE_INSTALL_PREFIX=/usr")
endif()
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/")

include(CPack)
