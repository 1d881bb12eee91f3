"""What each command's ``--help`` shows below its options: examples, and
what the options do together."""

# License: BSD-3-Clause

COMPARE_EPILOG = """\
examples:
  aae-sklearn compare                      # bundled RAVDESS, 6 folds, all labels
  aae-sklearn compare --labeled-fraction 0.1 0.25 1 --baselines --out results/
  aae-sklearn compare --data features.csv --group-column speaker --normalize none
  aae-sklearn compare --data path/to/ravdess --features frames --baselines
  aae-sklearn compare --data path/to/ravdess --features ssl \
      --ssl-model microsoft/wavlm-base-plus --ssl-layer 6 --baselines
  aae-sklearn compare --task categories --labeled-fraction 0.1 0.25 1 --baselines
  aae-sklearn compare --test-data bundled-emodb --adapt --baselines
  aae-sklearn compare --labeled-fraction 0.25 --unlabeled bundled-emodb

--data is 'bundled' (the RAVDESS eGeMAPS table shipped with the package),
'bundled-emodb' or 'bundled-nemo' (the EmoDB or nEMO one), a CSV/parquet table
(feature columns, valence, activation and dominance, and the group column) or a
RAVDESS, EmoDB or nEMO audio folder (eGeMAPS extracted once). With --out the
folder receives results.json (settings, fold scores, summary and every
out-of-fold prediction), results.csv, predictions.csv and PNG figures.

--task categories classifies the emotion classes (the column emotion, category
or EmoClass of a table) with AAEEmotionClassifier and SupervisedEmotionClassifier,
scored by UAR (balanced accuracy) and WA (accuracy); --baselines then adds SVC
(RBF) and LogisticRegression, balanced, their C tuned likewise by UAR, and --out
receives confusion_matrices.csv and .png (test rows of all folds).

--test-data compares across corpora: every model trains on all of --data (or
its --labeled-fraction) and is tested on the other corpus, which none sees
labeled; --adapt gives the AAE the test corpus's speech without its labels
(X_unlabeled). Both need the same feature columns; with --task categories,
only the classes both corpora have are trained and tested (a note says which
rows are left out). --normalize corpus standardises each corpus on its own
statistics.

--unlabeled SOURCE [SOURCE ...] gives every AAE fit (not the other models) the
speech of other sources without their labels (X_unlabeled): each SOURCE is a
bundled keyword, a table (its target columns ignored, its group column
optional) or an audio folder, as --data, or any folder of audio (its
subfolders, if any, are its speakers), with the same feature columns; with
--features frames, audio folders only. --data itself is refused (its test
speakers would leak into training); with --test-data --adapt the test corpus
joins the pool. --normalize speaker standardises each speaker of a source on
its own statistics (a table without the group column, or a folder without
subfolders, as a whole), corpus each source (and, without --test-data, --data
on each training fold's statistics).

--normalize speaker (the default) standardises each speaker's (group's) features
with that speaker's own mean and standard deviation, in every fold, before every
model; the test speakers get their own statistics. 'none' leaves them as read.

--baselines adds SVR (RBF), Ridge and MLPRegressor, each behind a StandardScaler
and trained on the labeled rows of the training fold. SVR's C and epsilon and
Ridge's alpha are chosen on each training fold by 3-fold GroupKFold over its
speakers, by the mean CCC; results.json records the choice per fold
(best_params). MLPRegressor keeps scikit-learn's defaults, with early stopping.

The features of an audio folder are extracted once and kept in --cache (a
file's path, size and modification time, the feature kind and the package
version make the key; a changed file is extracted again). --cache none keeps
nothing.

--features frames needs an audio folder: each file becomes a sequence of 20 ms
frames (--frame-kind: 40 log mel bands, or the 25 eGeMAPS low-level
descriptors), which the AAE and supervised models read with a CNN encoder.
--normalize speaker then standardises each speaker's frames over all that
speaker's frames. The baselines take vectors: they get the mean and standard
deviation of each frame feature over the utterance.

--features ssl needs an audio folder too: each file goes through the
self-supervised model of --ssl-model (wav2vec 2.0, HuBERT or WavLM; a folder
written by save_pretrained or a Hugging Face hub name, downloaded once by
transformers), and the mean and standard deviation of its hidden state
--ssl-layer (default: the last; several are averaged) over the utterance make
one vector. --features frames --frame-kind ssl keeps its 20 ms frames instead.
Both need the ssl extra (pip install -e ".[ssl]" in a clone); the model runs on
--device, and the cache key holds the model and its layer.

With --out, each fit is recorded in DIR/unfinished.jsonl as it ends, and the
results files are written when every fit has ended (results.json last, listing
them; the record then goes). A run stopped on the way (Ctrl-C, SIGTERM as
timeout sends, a crash) leaves only that record: the same command with --resume
fits what is missing and gives the results an uninterrupted run would, and
--overwrite discards it and starts over; a run stopped before any fit ended
leaves nothing. A later run into DIR removes the files that the earlier one
listed and it does not write again, and no other file. --device cuda trains the
networks on a GPU.

--jobs N fits N models at a time, each in a worker process (default: 2, or 1
on a single CPU); --jobs 1 fits them one after the other in this process.
--threads sets torch's CPU threads of each fit (auto: one, which a busy core
cannot slow down). The results are the same for every N, bit for bit.
"""
EXTRACT_EPILOG = """\
examples:
  aae-sklearn extract path/to/ravdess --corpus ravdess -o ravdess.parquet
  aae-sklearn extract my_wavs/ -o features.csv --skip-bad
  aae-sklearn extract files.txt -o features.csv   # one audio path per line
  aae-sklearn extract my_wavs/ -o wavlm.csv --features ssl \
      --ssl-model microsoft/wavlm-base-plus --ssl-layer 6
  aae-sklearn extract my_wavs/ -o views.csv --augment 2 --random-state 0

Without --corpus, SOURCE is a folder searched recursively for .wav, .flac, .ogg
and .mp3 files, one audio file, or a text file of paths (relative to its own
folder). The table has one row per file: the file, the corpus metadata and
targets with --corpus, then the features. Parquet if OUTPUT ends in .parquet.
Frame sequences have no table form: see 'aae-sklearn compare --features frames'.
--features ssl writes the mean and standard deviation of a self-supervised
model's hidden state over each file (ssl0_mean, ..., ssl0_std, ...); see
--ssl-model and --ssl-layer, and 'aae-sklearn compare --help'.
--augment N adds N perturbed views of each file (tempo within 10 %, pitch
within 2 semitones, gain within 6 dB, white noise at 10-30 dB SNR; see
aae_sklearn.features.AudioViews, which needs the augment extra): N + 1 rows
per file, a view column beside the file (0: the file as read, its features
those of a plain extract). --random-state seeds the views; they do not depend
on --jobs. Without --augment the table has no view column.
"""
FIT_EPILOG = """\
examples:
  aae-sklearn fit bundled -o aae.safetensors      # the RAVDESS table, as compare
  aae-sklearn fit bundled --task categories -o classes.safetensors
  aae-sklearn fit ravdess.parquet --targets valence,activation -o aae.safetensors
  aae-sklearn fit labeled.csv --unlabeled pool.csv bundled-emodb -o aae.safetensors
  aae-sklearn fit path/to/emodb -o emodb.safetensors

DATA is what compare's --data reads: 'bundled', 'bundled-emodb', 'bundled-nemo',
a CSV/parquet table or the audio folder of a corpus (eGeMAPS extracted once and
kept in --cache). The model is the one compare scores: --task dimensions fits
AAEEmotionRegressor (--model supervised: SupervisedEmotionRegressor), --task
categories AAEEmotionClassifier (SupervisedEmotionClassifier), and --normalize
speaker (the default) first standardises each speaker's features with that
speaker's own mean and standard deviation; corpus all rows as one, none not at
all. The speakers of a table are its --group-column (speaker, else actor or
SpkrID, as the corpus loaders and 'extract --corpus' name them).

Feature columns of a table: every numeric column except the targets (and
valence, activation and dominance), the group column and the metadata columns
of the corpus loaders (file, path, actor, speaker, emotion, start, end, ...);
any other column of text is an error, as in predict. Targets: --targets
(valence, activation and dominance), or with --task categories the column of
classes (emotion, category or EmoClass, or the one --targets names). Rows whose
targets are empty are unlabeled, and the autoencoder learns from them too, as
from the rows of --unlabeled (sources as DATA, or any folder of audio, its
subfolders its speakers; each normalised on its own: per speaker where it has
them). An audio folder gives eGeMAPS functionals; for frame sequences or
embeddings, use compare or the Python API.

MODEL is a safetensors file (weights, and the parameters, feature and target
names and the normalisation as JSON), which 'predict' and aae_sklearn.load()
read without running code from it; predict repeats the normalisation, which
load() leaves to the caller (its setting is the file's metadata entry
'aae_sklearn.cli'). A line says about how long the fit takes before it starts
(timed on three epochs); --verbose shows the losses of every epoch.
"""
PREDICT_EPILOG = """\
examples:
  aae-sklearn predict aae.safetensors features.csv -o predictions.csv
  aae-sklearn predict aae.safetensors path/to/emodb -o predictions.csv
  aae-sklearn predict aae.safetensors one_speaker/ --single-speaker -o p.csv

INPUT is a .csv/.parquet table holding the model's feature columns (read as
fit reads DATA: a column of text that is no metadata is an error), a bundled
keyword (bundled, bundled-emodb, bundled-nemo), or audio (a folder, a file or a
list of paths) whose openSMILE functionals are extracted first. The output has
a file (or id) column and one column per target; for emotion classes, the
class, its probability and that of every class (probability_<class>).

A model fitted with --normalize speaker (fit's default) standardises each
speaker's rows of INPUT with their own mean and standard deviation, as fit did
(and as compare does for the test speakers): INPUT needs the speakers, in a
column of a table (--group-column, else the model's, else speaker, actor or
SpkrID) or from the layout of a corpus folder; --single-speaker takes every row
as one speaker's. Give each speaker several rows: a speaker's single row
becomes the mean. A model fitted with --normalize corpus standardises INPUT as
a whole. Models saved from Python take INPUT as it is.
"""
