import MSRCLI

Predict.main()
