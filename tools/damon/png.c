// SPDX-License-Identifier: GPL-2.0
/*
 * The heatmap as a PNG image of exactly width x height pixels, through
 * libpng: a label band on top (each panel's letter and address range), the
 * time axis on the left, the map in the rest.  Labels use a small built-in
 * 5x7 font.  The panel ranges also go into a tEXt chunk.
 */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "damon-report.h"

#define TOP	DM_PNG_TOP
#define LEFT	DM_PNG_LEFT
#define CHAR_W	6

struct glyph {
	char c;
	unsigned char rows[7];
};

static const struct glyph font[] = {
	{ '0', { 0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E } },
	{ '1', { 0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E } },
	{ '2', { 0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F } },
	{ '3', { 0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E } },
	{ '4', { 0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02 } },
	{ '5', { 0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E } },
	{ '6', { 0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E } },
	{ '7', { 0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
	{ '8', { 0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E } },
	{ '9', { 0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C } },
	{ 'a', { 0x00, 0x00, 0x0E, 0x01, 0x0F, 0x11, 0x0F } },
	{ 'b', { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1E } },
	{ 'c', { 0x00, 0x00, 0x0E, 0x10, 0x10, 0x11, 0x0E } },
	{ 'd', { 0x01, 0x01, 0x0D, 0x13, 0x11, 0x11, 0x0F } },
	{ 'e', { 0x00, 0x00, 0x0E, 0x11, 0x1F, 0x10, 0x0E } },
	{ 'f', { 0x06, 0x09, 0x08, 0x1C, 0x08, 0x08, 0x08 } },
	{ 'x', { 0x00, 0x00, 0x11, 0x0A, 0x04, 0x0A, 0x11 } },
	{ 's', { 0x00, 0x00, 0x0E, 0x10, 0x0E, 0x01, 0x1E } },
	{ '-', { 0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00 } },
	{ '.', { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C } },
	{ ':', { 0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00 } },
	{ 'A', { 0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11 } },
	{ 'B', { 0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E } },
	{ 'C', { 0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E } },
	{ 'D', { 0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C } },
	{ 'E', { 0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F } },
	{ 'F', { 0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10 } },
	{ 'G', { 0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F } },
	{ 'H', { 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11 } },
	{ '?', { 0x1F, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1F } },
};

struct image {
	unsigned int w, h;
	unsigned char *px;	/* RGB rows */
};

static void put(struct image *im, unsigned int x, unsigned int y,
		const unsigned char rgb[3])
{
	if (x < im->w && y < im->h)
		memcpy(im->px + ((size_t)y * im->w + x) * 3, rgb, 3);
}

/* Draws @s at (x, y), clipped to x < xmax. */
static void text(struct image *im, unsigned int x, unsigned int y,
		 unsigned int xmax, const char *s)
{
	static const unsigned char ink[3] = { 230, 230, 230 };

	for (; *s && x + 5 <= xmax; s++, x += CHAR_W) {
		const struct glyph *gl = &font[sizeof(font) / sizeof(font[0]) - 1];
		size_t i;
		int r, c;

		if (*s == ' ')
			continue;
		for (i = 0; i < sizeof(font) / sizeof(font[0]); i++)
			if (font[i].c == *s)
				gl = &font[i];
		for (r = 0; r < 7; r++)
			for (c = 0; c < 5; c++)
				if (gl->rows[r] & (0x10 >> c))
					put(im, x + (unsigned int)c,
					    y + (unsigned int)r, ink);
	}
}

/* 0 black through purple, red, orange and yellow to white at vmax */
static void heat(double v, double vmax, unsigned char rgb[3])
{
	static const int cube[] = { 16, 53, 89, 125, 161, 197, 203, 209, 215,
				    221, 227, 231 };
	static const unsigned char lv[6] = { 0, 95, 135, 175, 215, 255 };
	const int n = (int)(sizeof(cube) / sizeof(cube[0]));
	double f = vmax > 0 ? v / vmax * (n - 1) : 0;
	int i = (int)floor(f), k;

	if (f <= 0) {
		i = 0;
		f = 0;
	}
	if (i >= n - 1) {
		i = n - 2;
		f = n - 1;
	}
	f -= i;
	for (k = 0; k < 3; k++) {
		int shift[3] = { 36, 6, 1 };
		int a = lv[((cube[i] - 16) / shift[k]) % 6];
		int b = lv[((cube[i + 1] - 16) / shift[k]) % 6];

		rgb[k] = (unsigned char)lround(a + (b - a) * f);
	}
}

/* The libpng part, alone so that no local of the caller meets longjmp. */
static int encode(FILE *f, unsigned int width, unsigned int height,
		  png_bytep *rowp, const char *title, const char *desc)
{
	png_structp png;
	png_infop info;
	png_text txt[2];

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
	png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	memset(txt, 0, sizeof(txt));
	txt[0].compression = PNG_TEXT_COMPRESSION_NONE;
	txt[0].key = (char *)"Title";
	txt[0].text = (char *)title;
	txt[1].compression = PNG_TEXT_COMPRESSION_NONE;
	txt[1].key = (char *)"Description";
	txt[1].text = (char *)desc;
	png_set_text(png, info, txt, 2);
	png_write_info(png, info);
	png_write_image(png, rowp);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int dm_write_png(const char *path, const struct dm_grid *g,
		 unsigned int width, unsigned int height, const char *title)
{
	static const unsigned char nodata[3] = { 60, 60, 60 };
	static const unsigned char bg[3] = { 20, 20, 28 };
	unsigned int mh = height > TOP ? height - TOP : 0;
	struct image im = { width, height, NULL };
	png_bytep *rowp = NULL;
	char desc[1024], label[96];
	size_t dl = 0;
	unsigned int x, y, p;
	FILE *f = NULL;
	int ret = -1;

	if (width <= LEFT || height <= TOP || width > 20000 || height > 20000) {
		fprintf(stderr, "damon-report: bad PNG size %ux%u\n", width, height);
		return -1;
	}
	im.px = malloc((size_t)width * height * 3);
	rowp = malloc(height * sizeof(*rowp));
	if (!im.px || !rowp) {
		fprintf(stderr, "damon-report: out of memory\n");
		goto out;
	}
	for (y = 0; y < height; y++) {
		rowp[y] = im.px + (size_t)y * width * 3;
		for (x = 0; x < width; x++)
			put(&im, x, y, bg);
	}
	/* the map: g->cols is the map width, rows stretched to mh */
	for (y = 0; y < mh && g->rows; y++) {
		unsigned int r = (unsigned int)((unsigned long long)y * g->rows / mh);

		for (x = 0; x < g->cols && LEFT + x < width; x++) {
			double v = g->val[(size_t)r * g->cols + x];
			unsigned char rgb[3];

			if (v == -2)
				continue;
			if (v < 0)
				put(&im, LEFT + x, TOP + y, nodata);
			else {
				heat(v, g->vmax, rgb);
				put(&im, LEFT + x, TOP + y, rgb);
			}
		}
	}
	/* labels */
	for (p = 0; p < g->nr_panels; p++) {
		const struct dm_panel *pn = &g->panels[p];

		snprintf(label, sizeof(label), "%c 0x%llx-0x%llx",
			 p < 8 ? 'A' + p : '?', (unsigned long long)pn->start,
			 (unsigned long long)pn->end);
		if (pn->w < strlen(label) * CHAR_W)
			label[1] = '\0';
		text(&im, LEFT + pn->x, 2, LEFT + pn->x + pn->w, label);
		if (dl < sizeof(desc))
			dl += (size_t)snprintf(desc + dl, sizeof(desc) - dl,
					       "%s%c: 0x%llx-0x%llx", p ? "; " : "",
					       'A' + (p % 26),
					       (unsigned long long)pn->start,
					       (unsigned long long)pn->end);
	}
	for (y = 0; mh >= 8 && y + 7 <= mh; y += 60) {
		double t = (double)(g->t1 - g->t0) / 1e9 * y / mh;

		snprintf(label, sizeof(label), "%.1fs", t);
		text(&im, 1, TOP + y, LEFT - 2, label);
	}

	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "damon-report: %s: %s\n", path, strerror(errno));
		goto out;
	}
	desc[dl < sizeof(desc) ? dl : sizeof(desc) - 1] = '\0';
	if (encode(f, width, height, rowp, title, desc)) {
		fprintf(stderr, "damon-report: %s: libpng failed to write\n", path);
		goto out;
	}
	ret = 0;
out:
	if (f && fclose(f) && ret == 0) {
		fprintf(stderr, "damon-report: %s: %s\n", path, strerror(errno));
		ret = -1;
	}
	free(im.px);
	free(rowp);
	return ret;
}
