/*
 * version.h - kigen's version string, stored with every run record.
 */
#ifndef KIGEN_VERSION_H
#define KIGEN_VERSION_H

#define KIGEN_VERSION "0.1.0"

#endif
