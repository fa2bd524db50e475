DROP TABLE case_figures;
