// SPDX-License-Identifier: GPL-2.0
/*
 * Reads a PNG back for the damon-report tests, through libpng:
 *
 *   pngcheck FILE size                  "WIDTH HEIGHT"
 *   pngcheck FILE text KEY              the tEXt chunk KEY
 *   pngcheck FILE colours X Y W H       "rrggbb count", a line per colour
 *                                       in that rectangle, by colour
 *
 * Exits 1 if the file is not a PNG libpng can read, or the key or the
 * rectangle is not in it.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	png_image im;
	unsigned char *px;
	unsigned int *cols, x, y, x0, y0, w, h, n = 0, i;
	png_structp png;
	png_infop info;
	png_textp txt;
	FILE *f;
	int nt, k;

	if (argc < 3) {
		fprintf(stderr, "usage: pngcheck FILE size|text KEY|colours X Y W H\n");
		return 2;
	}
	if (!strcmp(argv[2], "text")) {
		f = fopen(argv[1], "rb");
		if (!f || argc != 4)
			return 1;
		png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
		info = png ? png_create_info_struct(png) : NULL;
		if (!info || setjmp(png_jmpbuf(png)))
			return 1;
		png_init_io(png, f);
		png_read_info(png, info);
		nt = png_get_text(png, info, &txt, NULL);
		for (k = 0; k < nt; k++) {
			if (!strcmp(txt[k].key, argv[3])) {
				fputs(txt[k].text, stdout);
				return 0;
			}
		}
		return 1;
	}
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&im, argv[1])) {
		fprintf(stderr, "pngcheck: %s: %s\n", argv[1], im.message);
		return 1;
	}
	if (!strcmp(argv[2], "size")) {
		printf("%u %u\n", im.width, im.height);
		return 0;
	}
	if (strcmp(argv[2], "colours") || argc != 7)
		return 2;
	x0 = (unsigned int)atoi(argv[3]);
	y0 = (unsigned int)atoi(argv[4]);
	w = (unsigned int)atoi(argv[5]);
	h = (unsigned int)atoi(argv[6]);
	if (!w || !h || x0 + w > im.width || y0 + h > im.height)
		return 1;
	im.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(im));
	cols = malloc((size_t)w * h * sizeof(*cols));
	if (!px || !cols || !png_image_finish_read(&im, NULL, px, 0, NULL))
		return 1;
	for (y = y0; y < y0 + h; y++)
		for (x = x0; x < x0 + w; x++) {
			unsigned char *p = px + ((size_t)y * im.width + x) * 3;

			cols[n++] = (unsigned int)p[0] << 16 | p[1] << 8 | p[2];
		}
	qsort(cols, n, sizeof(*cols), cmp_u32);
	for (i = 0; i < n; ) {
		unsigned int j = i;

		while (j < n && cols[j] == cols[i])
			j++;
		printf("%06x %u\n", cols[i], j - i);
		i = j;
	}
	return 0;
}
