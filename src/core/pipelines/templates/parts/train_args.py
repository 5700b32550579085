import argparse
import csv
import glob
import json
import math
import os

parser = argparse.ArgumentParser()
parser.add_argument("--training_data", required=True)
parser.add_argument("--model_output", required=True)
args = parser.parse_args()
