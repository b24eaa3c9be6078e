// SPDX-License-Identifier: GPL-2.0
/*
 * The pictures' canvas: an RGB image in memory, rectangles, lines, text in
 * the built-in font (font.c) at any whole scale, the choice of axis ticks,
 * and the PNG file through libpng, with tEXt chunks.
 */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

int dm_image_init(struct dm_image *im, unsigned int w, unsigned int h,
		  uint32_t bg)
{
	size_t i, n = (size_t)w * h;

	im->w = w;
	im->h = h;
	im->px = malloc(n ? n * 3 : 1);
	if (!im->px)
		return -1;
	for (i = 0; i < n; i++) {
		im->px[i * 3] = bg >> 16;
		im->px[i * 3 + 1] = bg >> 8;
		im->px[i * 3 + 2] = bg;
	}
	return 0;
}

void dm_image_free(struct dm_image *im)
{
	free(im->px);
	im->px = NULL;
}

void dm_put(struct dm_image *im, int x, int y, uint32_t c)
{
	unsigned char *p;

	if (x < 0 || y < 0 || (unsigned int)x >= im->w || (unsigned int)y >= im->h)
		return;
	p = im->px + ((size_t)y * im->w + (unsigned int)x) * 3;
	p[0] = c >> 16;
	p[1] = c >> 8;
	p[2] = c;
}

void dm_fill(struct dm_image *im, int x, int y, int w, int h, uint32_t c)
{
	int i, j;

	for (j = y < 0 ? 0 : y; j < y + h && j < (int)im->h; j++)
		for (i = x < 0 ? 0 : x; i < x + w && i < (int)im->w; i++)
			dm_put(im, i, j, c);
}

/* A one-pixel rectangle outline around (x, y, w, h), outside it. */
void dm_frame(struct dm_image *im, int x, int y, int w, int h, uint32_t c)
{
	dm_fill(im, x - 1, y - 1, w + 2, 1, c);
	dm_fill(im, x - 1, y + h, w + 2, 1, c);
	dm_fill(im, x - 1, y, 1, h, c);
	dm_fill(im, x + w, y, 1, h, c);
}

/* Bresenham's line, both ends drawn. */
void dm_line(struct dm_image *im, int x0, int y0, int x1, int y1, uint32_t c)
{
	int dx = abs(x1 - x0), dy = -abs(y1 - y0);
	int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;

	for (;;) {
		int e2 = 2 * err;	/* both steps test the error before either */

		dm_put(im, x0, y0, c);
		if (x0 == x1 && y0 == y1)
			break;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

/* A horizontal dashed line: @on pixels drawn, @off skipped. */
void dm_dash(struct dm_image *im, int x0, int x1, int y, int on, int off,
	     uint32_t c)
{
	int x;

	for (x = x0; x <= x1; x++)
		if ((x - x0) % (on + off) < on)
			dm_put(im, x, y, c);
}

int dm_text_width(const char *s, int scale)
{
	size_t n = strlen(s);

	return n ? (int)(n * DM_FONT_ADV - 1) * scale : 0;
}

/*
 * Draws @s with the top of its capitals at y and, by @align, its left end
 * (-1), centre (0) or right end (1) at x.  The text takes DM_FONT_LINE
 * rows times @scale, tails included.
 */
void dm_text(struct dm_image *im, int x, int y, const char *s, int scale,
	     int align, uint32_t c)
{
	int w = dm_text_width(s, scale);
	unsigned int gx, gy;

	if (align == 0)
		x -= w / 2;
	else if (align > 0)
		x -= w;
	for (; *s; s++, x += DM_FONT_ADV * scale) {
		if (*s == ' ')
			continue;
		for (gy = 0; gy < DM_FONT_LINE - 1; gy++)
			for (gx = 0; gx < 5; gx++)
				if (dm_font_ink(*s, gx, gy))
					dm_fill(im, x + (int)gx * scale,
						y + (int)gy * scale, scale,
						scale, c);
	}
}

/*
 * Copies @s into @buf, cut with "..." so that it is at most @width pixels
 * wide at @scale.
 */
void dm_fit_text(char *buf, size_t len, const char *s, int width, int scale)
{
	size_t max = width > 0 ? (size_t)(width / scale + 1) / DM_FONT_ADV : 0;

	snprintf(buf, len, "%s", s);
	if (strlen(buf) <= max)
		return;
	if (max < 4)
		buf[max] = '\0';
	else
		strcpy(buf + max - 3, "...");
}

/* The step of at most @max_ticks + 1 ticks over @range: 1, 2 or 5 * 10^k. */
double dm_tick_step(double range, int max_ticks)
{
	static const double mult[] = { 1, 2, 5, 10 };
	double mag;
	int i;

	if (!(range > 0) || max_ticks < 1)
		return 1;
	mag = pow(10, floor(log10(range / max_ticks)));
	for (i = 0; i < 3; i++)
		if (range / (mult[i] * mag) <= max_ticks)
			break;
	return mult[i] * mag;
}

/*
 * A byte step of at most @max_ticks + 1 ticks over @range: a power of two,
 * and the unit to write it in, the largest that divides it.
 */
uint64_t dm_size_step(uint64_t range, int max_ticks, uint64_t *unit,
		      const char **uname)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	uint64_t step = 1;
	int u = 0;

	if (max_ticks < 1)
		max_ticks = 1;
	while (step < (UINT64_C(1) << 62) && range / step > (uint64_t)max_ticks)
		step <<= 1;
	while (u < 6 && step % (UINT64_C(1) << (10 * (u + 1))) == 0)
		u++;
	*unit = UINT64_C(1) << (10 * u);
	*uname = names[u];
	return step;
}

/* Seconds for an axis: as few digits as @step needs. */
void dm_format_secs(char *buf, size_t len, double t, double step)
{
	int prec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);

	snprintf(buf, len, "%.*f s", prec > 6 ? 6 : prec, t);
}

/* The libpng part, alone so that no local of the caller meets longjmp. */
static int encode(FILE *f, const struct dm_image *im, png_bytep *rowp,
		  png_text *txt, int nr_text)
{
	png_structp png;
	png_infop info;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (!png)
		return -1;
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, im->w, im->h, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	if (nr_text)
		png_set_text(png, info, txt, nr_text);
	png_write_info(png, info);
	png_write_image(png, rowp);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	return 0;
}

/*
 * Writes @im to @path with the tEXt chunks @keys[i] = @texts[i]; errors
 * go to stderr.
 */
int dm_image_write(const struct dm_image *im, const char *path,
		   const char *const *keys, const char *const *texts,
		   int nr_text)
{
	png_text txt[8];
	png_bytep *rowp;
	unsigned int y;
	FILE *f;
	int i, ret = -1;

	if (nr_text > 8)
		nr_text = 8;
	rowp = malloc((im->h ? im->h : 1) * sizeof(*rowp));
	if (!rowp) {
		fprintf(stderr, "damon-report: out of memory\n");
		return -1;
	}
	for (y = 0; y < im->h; y++)
		rowp[y] = im->px + (size_t)y * im->w * 3;
	memset(txt, 0, sizeof(txt));
	for (i = 0; i < nr_text; i++) {
		txt[i].compression = PNG_TEXT_COMPRESSION_NONE;
		txt[i].key = (char *)keys[i];
		txt[i].text = (char *)texts[i];
	}
	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "damon-report: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (encode(f, im, rowp, txt, nr_text)) {
		fprintf(stderr, "damon-report: %s: libpng failed to write\n", path);
		fclose(f);
		goto out;
	}
	if (fclose(f)) {
		fprintf(stderr, "damon-report: %s: %s\n", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(rowp);
	return ret;
}

void dm_str_add(struct dm_str *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL,
			      b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = 1;
			return;
		}
		if (b->p && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t ncap = (b->cap + (size_t)n + 1) * 2;
			char *np = realloc(b->p, ncap);

			if (!np) {
				b->failed = 1;
				return;
			}
			b->p = np;
			b->cap = ncap;
		}
	}
}
