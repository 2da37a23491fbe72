# Install rules and the Debian package (CPack's DEB generator; `bash scripts/package.sh`).
# Installed layout, prefix /usr:
#   bin/voice-orchestrator                        RUNPATH $ORIGIN/../lib/voice-orchestrator
#   lib/voice-orchestrator/libvo_api.so.1         the plugin API, private to the package
#   lib/voice-orchestrator/plugins/vo-*.so        RUNPATH $ORIGIN/.. (libvo_api)
#   share/voice-orchestrator/dashboard/           the dashboard's static files (GET /dashboard)
# and /etc/voice-orchestrator/config.yaml, /etc/default/voice-orchestrator (conffiles), the
# systemd unit and the maintainer scripts of packaging/debian/. The build tree keeps its own
# RUNPATHs (CMake swaps them at install only), so build/*/bin runs as before.
set(VO_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging/debian)
set(VO_PRIVATE_LIBDIR lib/voice-orchestrator)

if(TARGET voice-orchestrator)
  set_target_properties(voice-orchestrator PROPERTIES INSTALL_RPATH "$ORIGIN/../${VO_PRIVATE_LIBDIR}")
  install(TARGETS voice-orchestrator RUNTIME DESTINATION bin)
endif()
install(TARGETS vo_api LIBRARY DESTINATION ${VO_PRIVATE_LIBDIR} NAMELINK_SKIP)
get_property(vo_installed_plugins GLOBAL PROPERTY VO_PLUGIN_TARGETS)
set_target_properties(${vo_installed_plugins} PROPERTIES INSTALL_RPATH "$ORIGIN/..")
install(TARGETS ${vo_installed_plugins} LIBRARY DESTINATION ${VO_PRIVATE_LIBDIR}/plugins)
# Where the binary looks for them by default: share/voice-orchestrator/dashboard beside bin/.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/dashboard/ DESTINATION share/voice-orchestrator/dashboard)

# Absolute destinations, whatever the prefix: only for the package (scripts/package.sh sets
# VO_PACKAGE), so `cmake --install build/dev --prefix ~/vo` never writes to /etc.
option(VO_PACKAGE "Install /etc and systemd files too (absolute paths; for the .deb)" OFF)
if(VO_PACKAGE)
  install(FILES ${VO_PACKAGING_DIR}/config.yaml DESTINATION /etc/voice-orchestrator)
  install(FILES ${VO_PACKAGING_DIR}/voice-orchestrator.default DESTINATION /etc/default
          RENAME voice-orchestrator PERMISSIONS OWNER_READ OWNER_WRITE)
  install(FILES ${VO_PACKAGING_DIR}/voice-orchestrator.service DESTINATION /lib/systemd/system)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME voice-orchestrator)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(VO_PACKAGE_CONTACT "voice-orchestrator maintainers <maintainers@voice-orchestrator.invalid>"
    CACHE STRING "The Debian package's Maintainer field")
set(CPACK_PACKAGE_CONTACT ${VO_PACKAGE_CONTACT})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "self-hosted outbound voice-call orchestrator")
# CPack puts the summary first; this is the long description under it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Takes outbound phone-call requests over REST, keeps every call durably, paces and\n\
dispatches them to a voice-AI provider (ElevenLabs, or a simulator), follows each call\n\
to its outcome, rolls up daily reports and deletes old data on schedule. Stores,\n\
queues and providers are plugins chosen in /etc/voice-orchestrator/config.yaml.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps (dpkg-dev) computes the libraries' packages; libvo_api is the package's own.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_BINARY_DIR}/lib)
# postinst uses useradd (passwd), the unit systemd's EnvironmentFile; recipients' time zones
# are read from tzdata (/usr/share/zoneinfo, zone1970.tab) at run time.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd, tzdata")
# The dashboard's chart (server.chartJsFile); without it the dashboard shows a table.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libjs-chart.js")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${VO_PACKAGING_DIR}/conffiles ${VO_PACKAGING_DIR}/postinst ${VO_PACKAGING_DIR}/prerm
    ${VO_PACKAGING_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
