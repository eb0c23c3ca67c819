/* test_dns.c: what --dns-server accepts (scan_dns_server_is_valid(),
 * dns.c's parser of ADDRESS[:PORT]): IPv4 and IPv6 addresses, a port
 * 1..65535 after IPv4 or after an IPv6 address in brackets; no names,
 * no empty parts. No resolver is started. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scanner/scanner.h"

static void test_dns_server_accepted(void **state)
{
	static const char *const ok[] = {
		"127.0.0.1", "127.0.0.1:5353", "192.0.2.53:53", "127.0.0.2:1",
		"127.0.0.2:65535", "::1", "[::1]", "[::1]:5353", "2001:db8::53",
		"[2001:db8::53]:53", "::ffff:192.0.2.1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (!scan_dns_server_is_valid(ok[i]))
			fail_msg("refused --dns-server %s", ok[i]);
}

static void test_dns_server_refused(void **state)
{
	static const char *const bad[] = {
		"", "localhost", "dns.example.com", "dns.example.com:53",
		"127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
		"127.0.0.1:53x", "127.0.0.1:x", ":53", "127.0.0.256",
		"127.1", "[::1", "[::1]x", "[::1]:", "[::1]:0", "[]", "[]:53",
		"[example.com]:53", "::1:53:x", "2001:db8::53%eth0",
		"1.2.3.4:53:53", "127.0.0.1:+53", "127.0.0.1: 53",
		"[127.0.0.1]:53",
		"[0000:0000:0000:0000:0000:0000:0000:0000:0000]:53",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (scan_dns_server_is_valid(bad[i]))
			fail_msg("accepted --dns-server \"%s\"", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_server_accepted),
		cmocka_unit_test(test_dns_server_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
