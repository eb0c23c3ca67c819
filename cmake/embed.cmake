# cmake -DIN=FILE -DOUT=FILE.c -DNAME=symbol -P cmake/embed.cmake: writes
# FILE's bytes as a C array NAME and its length NAME_len, so that a data
# file (data/trust-events.csv) is built into the binary as it is in the
# source tree.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(LENGTH "${hex}" n)
math(EXPR n "${n} / 2")
file(WRITE "${OUT}.tmp"
  "/* Made from ${IN} by cmake/embed.cmake: edit that file, not this. */\n"
  "#include <stddef.h>\n"
  "const unsigned char ${NAME}[] = { ${bytes} 0 };\n"
  "const size_t ${NAME}_len = ${n};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
