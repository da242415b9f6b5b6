# Man pages, shell completion and the Debian package (CPack).
# Included from the top-level CMakeLists.txt after the install rules.

if(SCREENER_BUILD_CLI)
  # Man pages, generated so they cannot drift from their source: screener(1)
  # from the CLI's own command and option tables (the text of --help),
  # screener-dict(5) from docs/dictionary-format.md.
  set(_man ${CMAKE_CURRENT_BINARY_DIR}/man)
  add_custom_command(OUTPUT ${_man}/screener.1
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_man}
    COMMAND screener_cli help --man > ${_man}/screener.1
    DEPENDS screener_cli COMMENT "Generating screener(1)" VERBATIM)
  add_custom_command(OUTPUT ${_man}/screener-dict.5
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_man}
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/cmake/md2man.py
            ${CMAKE_CURRENT_SOURCE_DIR}/docs/dictionary-format.md ${_man}/screener-dict.5
            screener-dict 5 ${PROJECT_VERSION} "the screener dictionary format"
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/cmake/md2man.py
            ${CMAKE_CURRENT_SOURCE_DIR}/docs/dictionary-format.md
    COMMENT "Generating screener-dict(5)" VERBATIM)
  add_custom_target(screener_man ALL DEPENDS ${_man}/screener.1 ${_man}/screener-dict.5)
  install(FILES ${_man}/screener.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${_man}/screener-dict.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

  # Completion: bash-completion's directory; zsh's vendor directory under /usr
  # (Debian's fpath), its site directory under any other prefix -- decided
  # when installing, since `cmake --install --prefix` and cpack change it.
  install(FILES cli/completion/screener.bash RENAME screener
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
  install(CODE "
    if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
      set(_zsh_dir vendor-completions)
    else()
      set(_zsh_dir site-functions)
    endif()
    file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/zsh/\${_zsh_dir}\"
      TYPE FILE FILES \"${CMAKE_CURRENT_SOURCE_DIR}/cli/completion/_screener\")")
endif()

# ---- Debian package: cpack -G DEB (library, headers, CMake and pkg-config
# files, CLI, built-in database, man pages, completion) ----
set(CPACK_PACKAGE_NAME screener)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the screener authors")
set(CPACK_PACKAGE_CONTACT "screener developers <https://github.com/screener-dev/screener/issues>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "content screening library and CLI: disguised sensitive terms (Hyperscan, ICU fold tables)")
set(CPACK_PACKAGE_DESCRIPTION
  "screener compiles sensitive-word dictionaries into a Hyperscan database and reports which terms a message contains, with byte spans, category, severity and a recommended action, also when the text disguises them (full-width letters, traditional characters, separators, look-alike letters). This package holds the shared and static library, the header, pkg-config and CMake files, the screener command with its built-in dictionaries, man pages and shell completion.")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/screener-dev/screener")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_CURRENT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_LICENSE Apache-2.0)
# Runtime dependencies from the binaries (dpkg-shlibdeps): libhs5, libicu72,
# libxxhash0, libc6 on Debian 12.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What static linking against libscreener.a needs.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
  "pkg-config, libvectorscan-dev | libhyperscan-dev, libicu-dev, libxxhash-dev")
# Debian's machine-readable copyright file (beside LICENSE and NOTICE).
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/cmake/debian-copyright
  DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
include(CPack)
