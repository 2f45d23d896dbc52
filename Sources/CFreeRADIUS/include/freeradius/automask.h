/* Debian's libfreeradius-dev omits this generated header that autoconf.h includes; it only
 * defines build-feature masks that a client of libfreeradius-radius does not need. */
