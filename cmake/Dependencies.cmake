# Every dependency is found through pkg-config (libjsonnet ships none on
# Debian 12, so it is found by header and library). A missing one stops the
# configure step with the Debian package that provides it.
find_package(PkgConfig)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config is missing: install it with 'apt-get install pkg-config' "
                      "or run scripts/install-deps.sh")
endif()

set(_ttstui_missing "")
function(ttstui_require prefix module debpkg)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${prefix}_FOUND)
    set(_ttstui_missing "${_ttstui_missing} ${debpkg}" PARENT_SCOPE)
  endif()
endfunction()

ttstui_require(NCURSES ncursesw libncurses-dev)
ttstui_require(CURL libcurl libcurl4-openssl-dev)
ttstui_require(JANSSON jansson libjansson-dev)
ttstui_require(YAML yaml-0.1 libyaml-dev)
ttstui_require(YAJL yajl libyajl-dev)
ttstui_require(MHD libmicrohttpd libmicrohttpd-dev)
ttstui_require(GNUTLS gnutls libgnutls28-dev)
if(TTSTUI_TESTS)
  ttstui_require(CMOCKA cmocka libcmocka-dev)
endif()

find_path(JSONNET_INCLUDE_DIR libjsonnet.h)
find_library(JSONNET_LIBRARY jsonnet)
if(NOT JSONNET_INCLUDE_DIR OR NOT JSONNET_LIBRARY)
  set(_ttstui_missing "${_ttstui_missing} libjsonnet-dev")
else()
  add_library(Jsonnet::jsonnet UNKNOWN IMPORTED GLOBAL)
  set_target_properties(Jsonnet::jsonnet PROPERTIES
    IMPORTED_LOCATION "${JSONNET_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${JSONNET_INCLUDE_DIR}")
endif()

if(_ttstui_missing)
  message(FATAL_ERROR "Missing build dependencies. On Debian/Ubuntu install them with:\n"
                      "  sudo apt-get install${_ttstui_missing}\n"
                      "or run scripts/install-deps.sh")
endif()

find_package(Threads REQUIRED)
