# install.cmake: what `cmake --install` puts where, and the Debian package
# (`cpack -G DEB`) made of it. Included last from the top CMakeLists.txt, so
# that every target exists. Only the fedcert binary and the files below are
# installed: the unit tests, the e2e fixtures, fleet/ and bench/ have no
# install rules (tests/e2e/test_install.sh checks the whole tree).
include(GNUInstallDirs)

install(TARGETS fedcert RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/fedcert.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/dist/bash-completion/fedcert
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# The example nightly job (dist/nightly): the script itself where programs
# run by other programs go, the units, the cron line and the settings as
# examples to copy. The *.in files name where the script and the binary are
# installed; they are substituted here, at configure time, so configure with
# the prefix the files will be installed at (-DCMAKE_INSTALL_PREFIX=/usr for
# a package).
set(FEDCERT_LIBEXECDIR ${CMAKE_INSTALL_FULL_LIBEXECDIR}/fedcert)
set(FEDCERT_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/dist/nightly/fedcert-nightly
  DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/fedcert)
file(GLOB nightly_templates CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/dist/nightly/*.in)
set(nightly_examples
  ${PROJECT_SOURCE_DIR}/dist/nightly/fedcert-nightly.timer
  ${PROJECT_SOURCE_DIR}/dist/nightly/nightly.conf)
foreach(template ${nightly_templates})
  get_filename_component(name ${template} NAME)
  string(REGEX REPLACE "\\.in$" "" name ${name})
  configure_file(${template} ${PROJECT_BINARY_DIR}/dist/nightly/${name} @ONLY)
  list(APPEND nightly_examples ${PROJECT_BINARY_DIR}/dist/nightly/${name})
endforeach()
install(FILES ${nightly_examples} DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# The .deb. dpkg-shlibdeps finds the runtime library packages (libuv1,
# libssl3, libc-ares2, libsqlite3-0, libcsv3) from the binary's NEEDED
# entries, so Depends follows what is really linked, never the -dev packages.
# The package installs under the configured prefix, the one the examples name.
set(FEDCERT_DEB_MAINTAINER "fedcert maintainers <maintainers@example.org>"
  CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME fedcert)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "fedcert")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "audit the TLS certificates of SIP federation endpoints")
# CPack keeps these line breaks (the control file's continuation lines).
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "fedcert reads a list of SIP federation partners (Skype for Business and\n"
  "Lync Edge servers, Teams Direct Routing SBCs, other SIP systems that\n"
  "federate over mutual TLS), follows their SRV records, handshakes with\n"
  "every endpoint, keeps every certificate and chain in an SQLite database,\n"
  "and reports what partners would refuse: expired or misnamed\n"
  "certificates, missing intermediates, a missing Client Authentication\n"
  "EKU, weak keys and signatures, failing pool members. Reports are text,\n"
  "CSV or JSON; an example nightly job (a systemd timer, or cron) is in\n"
  "the documentation directory, under examples.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${FEDCERT_DEB_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)

# The trust events table the foresight findings judge with (built in too):
# for administrators to read, and to copy and extend with --trust-events.
install(FILES ${PROJECT_SOURCE_DIR}/data/trust-events.csv
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fedcert)
